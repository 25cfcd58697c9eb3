"""Scope: a twin mentor, an apprentice, a judge or a teacher sees nothing that is not theirs."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from academy.models import EvidencePhoto, LogEntry, Pairing
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _urls(pairing, entry, photo):
    """Every workspace URL that shows or changes one pairing, its entries and photos."""
    gets = [
        reverse("academy:pairing", args=[pairing.pk]),
        reverse("academy:pairing", args=[pairing.pk]) + "?show=open",
        reverse("academy:entry_create", args=[pairing.pk]),
        reverse("academy:pairing_complete", args=[pairing.pk]),
        reverse("academy:logbook_export", args=[pairing.pk, "csv"]),
        reverse("academy:logbook_export", args=[pairing.pk, "xlsx"]),
        reverse("academy:entry", args=[entry.pk]),
        reverse("academy:entry_edit", args=[entry.pk]),
        reverse("academy:entry_confirm", args=[entry.pk]),
        reverse("academy:entry_delete", args=[entry.pk]),
        reverse("academy:photo", args=[photo.pk, "thumb"]),
        reverse("academy:photo", args=[photo.pk, "large"]),
        reverse("academy:photo_remove", args=[photo.pk]),
    ]
    posts = {
        reverse("academy:entry_create", args=[pairing.pk]): {
            "date": timezone.localdate().isoformat(),
            "hours": "2",
        },
        reverse("academy:pairing_status", args=[pairing.pk]): {
            "status": "on_break",
            "reason": "x",
        },
        reverse("academy:pairing_complete", args=[pairing.pk]): {},
        reverse("academy:entry_edit", args=[entry.pk]): {
            "date": entry.date.isoformat(),
            "hours": "9",
        },
        reverse("academy:entry_confirm", args=[entry.pk]): {"reflection": "x"},
        reverse("academy:entry_unlock", args=[entry.pk]): {"reason": "x"},
        reverse("academy:entry_delete", args=[entry.pk]): {},
        reverse("academy:photo_remove", args=[photo.pk]): {},
    }
    return gets, posts


def _state(pairing):
    pairing.refresh_from_db()
    return (
        pairing.status,
        list(pairing.entries.values_list("pk", "hours", "confirmed_at", "reflection")),
        EvidencePhoto.objects.filter(entry__pairing=pairing).count(),
    )


def _assert_shut_out(client, user, pairing, entry, photo, status):
    gets, posts = _urls(pairing, entry, photo)
    before = _state(pairing)
    client.force_login(user)
    for url in gets:
        assert client.get(url).status_code == status, url
    for url, data in posts.items():
        assert client.post(url, data).status_code == status, url
    assert _state(pairing) == before


@pytest.fixture
def entry_with_photo(client, pairing, photo_upload):
    client.force_login(pairing.mentor)
    client.post(
        reverse("academy:entry_create", args=[pairing.pk]),
        {
            "date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "hours": "2",
            "photos": [photo_upload()],
        },
    )
    client.logout()
    return LogEntry.objects.get(pairing=pairing)


def test_the_twin_mentor_and_apprentice_get_404_everywhere(
    client, pairing, other_pairing, entry_with_photo
):
    photo = entry_with_photo.photos.get()
    for user in (other_pairing.mentor, other_pairing.apprentice):
        _assert_shut_out(client, user, pairing, entry_with_photo, photo, 404)


@pytest.mark.parametrize("role", ["judge", "teacher", "organizer", "craftsman", None])
def test_other_roles_get_403_on_the_academy_workspace(client, pairing, entry_with_photo, role):
    photo = entry_with_photo.photos.get()
    outsider = UserFactory(role=role) if role else UserFactory()
    _assert_shut_out(client, outsider, pairing, entry_with_photo, photo, 403)
    for url in (reverse("academy:dashboard"), reverse("academy:manager_pairings")):
        assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, pairing, entry_with_photo):
    photo = entry_with_photo.photos.get()
    gets, posts = _urls(pairing, entry_with_photo, photo)
    for url in [*gets, reverse("academy:dashboard"), reverse("academy:manager_pairings")]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url, data in posts.items():
        assert client.post(url, data).status_code == 302, url
    assert LogEntry.objects.count() == 1


def test_the_apprentice_reads_but_changes_only_reflections(client, pairing, entry_with_photo):
    photo = entry_with_photo.photos.get()
    client.force_login(pairing.apprentice)
    for url in (
        pairing.get_absolute_url(),
        entry_with_photo.get_absolute_url(),
        reverse("academy:photo", args=[photo.pk, "thumb"]),
        reverse("academy:logbook_export", args=[pairing.pk, "csv"]),
    ):
        assert client.get(url).status_code == 200, url
    for url in (
        reverse("academy:entry_create", args=[pairing.pk]),
        reverse("academy:entry_edit", args=[entry_with_photo.pk]),
        reverse("academy:entry_delete", args=[entry_with_photo.pk]),
        reverse("academy:photo_remove", args=[photo.pk]),
        reverse("academy:pairing_complete", args=[pairing.pk]),
        reverse("academy:manager_pairings"),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url).status_code == 403, url
    assert client.post(reverse("academy:pairing_status", args=[pairing.pk])).status_code == 403
    assert entry_with_photo.photos.count() == 1


def test_evidence_photos_stay_out_of_the_admin_image_chooser(
    client, pairing, entry_with_photo, manager, site_tree
):
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import Collection, GroupCollectionPermission

    photo = entry_with_photo.photos.get()
    organizers = Group.objects.get(name="organizer")
    GroupCollectionPermission.objects.get_or_create(
        group=organizers,
        collection=Collection.get_first_root_node(),
        permission=Permission.objects.get(codename="choose_image"),
    )
    organizer = UserFactory(role="organizer")
    organizer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    url = reverse("wagtailimages_chooser:choose_results")
    client.force_login(organizer)
    response = client.get(url)
    assert response.status_code == 200
    assert photo.image.title not in response.content.decode()
    # Managers keep the photos in the image library, but no chooser offers them for a page.
    client.force_login(manager)
    manager.user_permissions.add(Permission.objects.get(codename="access_admin"))
    assert photo.image.title not in client.get(url).content.decode()
    assert photo.image.title in client.get(reverse("wagtailimages:index")).content.decode()


# The demo's tests come last: the module's demo stays seeded from the first that asks for it.
def test_the_demo_twins_and_other_roles(client, demo_data):
    """With the demo: demo-mentor2 gets 404 on all of demo-mentor's pairings; a judge and a
    teacher get 403 on the whole academy workspace; demo-apprentice sees only their pairing."""
    User = get_user_model()
    mentor = User.objects.get(username="demo-mentor")
    twin = User.objects.get(username="demo-mentor2")
    apprentice = User.objects.get(username="demo-apprentice")
    photo = (
        EvidencePhoto.objects.filter(entry__pairing__mentor=mentor, entry__confirmed_at=None)
        .select_related("entry__pairing")
        .first()
    )
    assert photo is not None, "the demo gives demo-mentor open entries with photos"
    entry, pairing = photo.entry, photo.entry.pairing
    _assert_shut_out(client, twin, pairing, entry, photo, 404)
    for other in Pairing.objects.filter(mentor=mentor):
        assert client.get(reverse("academy:pairing", args=[other.pk])).status_code == 404
    dashboard = client.get(reverse("academy:dashboard")).content.decode()
    assert mentor.get_full_name() not in dashboard
    assert client.get(reverse("academy:manager_pairings")).status_code == 403
    assert client.get(reverse("academy:manager_pairings") + "?export=csv").status_code == 403

    for username in ("demo-judge", "demo-teacher", "demo-organizer", "demo-craftsman"):
        outsider = User.objects.get(username=username)
        _assert_shut_out(client, outsider, pairing, entry, photo, 403)
        assert client.get(reverse("academy:dashboard")).status_code == 403
        assert client.get(reverse("academy:manager_pairings")).status_code == 403
        workspace = client.get(reverse("core:workspace")).content.decode()
        assert "/app/academy/" not in workspace, username

    client.force_login(apprentice)
    own = Pairing.objects.get(apprentice=apprentice)
    assert client.get(own.get_absolute_url()).status_code == 200
    for other in Pairing.objects.exclude(apprentice=apprentice)[:10]:
        assert client.get(other.get_absolute_url()).status_code == 404
    dashboard = client.get(reverse("academy:dashboard"))
    assert [p.pk for p in dashboard.context["pairings"]] == [own.pk]
