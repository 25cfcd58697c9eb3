"""Editing an entry keeps its ratings and photos unless changed; one photo can be removed."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from wagtail.images import get_image_model
from wagtail.models import ModelLogEntry

from academy.models import EntryCompetency, EvidencePhoto, LogEntry, Pairing
from tests.factories.academy import CompetencyFactory

pytestmark = pytest.mark.django_db


def _log(client, pairing, **data):
    payload = {
        "date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "hours": "2",
        "skills": "排料",
    }
    payload.update(data)
    return client.post(reverse("academy:entry_create", args=[pairing.pk]), payload)


@pytest.fixture
def rated_entry(client, pairing, photo_upload):
    """An open entry of ``pairing`` with both competencies rated and two photos."""
    first, second = pairing.competencies.order_by("sort_order")
    client.force_login(pairing.mentor)
    response = _log(
        client,
        pairing,
        **{f"competency_{first.pk}": "1", f"competency_{second.pk}": "2"},
        photos=[photo_upload("a.png"), photo_upload("b.png")],
    )
    assert response.status_code == 302
    return LogEntry.objects.get(pairing=pairing)


def _ratings(entry):
    return dict(entry.ratings.values_list("competency__name", "rating"))


def test_the_edit_form_shows_the_current_ratings_and_photos(client, pairing, rated_entry):
    first, second = pairing.competencies.order_by("sort_order")
    page = client.get(reverse("academy:entry_edit", args=[rated_entry.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    assert form[f"competency_{first.pk}"].value() == 1
    assert form[f"competency_{second.pk}"].value() == 2
    html = page.content.decode()
    for photo in rated_entry.photos.all():
        assert reverse("academy:photo_remove", args=[photo.pk]) in html
    english = client.get("/en" + reverse("academy:entry_edit", args=[rated_entry.pk]))
    assert "Up to 4 photos" in english.content.decode()  # six per entry, two already kept


def test_editing_without_the_rating_fields_keeps_ratings_and_photos(client, pairing, rated_entry):
    before = _ratings(rated_entry)
    response = client.post(
        reverse("academy:entry_edit", args=[rated_entry.pk]),
        {"date": rated_entry.date.isoformat(), "hours": "5", "skills": "裁剪"},
    )
    assert response.status_code == 302
    rated_entry.refresh_from_db()
    assert rated_entry.hours == Decimal("5")
    assert rated_entry.skills.names()[0] == "裁剪"
    assert _ratings(rated_entry) == before
    assert rated_entry.photos.count() == 2


def test_editing_changes_only_the_ratings_changed(client, pairing, rated_entry):
    first, second = pairing.competencies.order_by("sort_order")
    response = client.post(
        reverse("academy:entry_edit", args=[rated_entry.pk]),
        {
            "date": rated_entry.date.isoformat(),
            "hours": "2",
            f"competency_{first.pk}": "3",  # changed
            f"competency_{second.pk}": "2",  # as it was
        },
    )
    assert response.status_code == 302
    assert _ratings(rated_entry) == {first.name: 3, second.name: 2}
    # "Not worked on" clears that one rating only.
    client.post(
        reverse("academy:entry_edit", args=[rated_entry.pk]),
        {"date": rated_entry.date.isoformat(), "hours": "2", f"competency_{first.pk}": ""},
    )
    assert _ratings(rated_entry) == {second.name: 2}


def test_a_rating_of_a_competency_dropped_from_the_plan_is_kept(client, pairing, rated_entry):
    first, second = pairing.competencies.order_by("sort_order")
    pairing.competencies.remove(second)
    client.post(
        reverse("academy:entry_edit", args=[rated_entry.pk]),
        {"date": rated_entry.date.isoformat(), "hours": "2", f"competency_{first.pk}": "2"},
    )
    assert _ratings(rated_entry) == {first.name: 2, second.name: 2}


def test_a_rating_for_a_competency_of_another_trade_is_ignored(client, pairing, rated_entry):
    stranger = CompetencyFactory()
    response = client.post(
        reverse("academy:entry_edit", args=[rated_entry.pk]),
        {"date": rated_entry.date.isoformat(), "hours": "2", f"competency_{stranger.pk}": "3"},
    )
    assert response.status_code == 302
    assert not EntryCompetency.objects.filter(competency=stranger).exists()


def test_new_photos_join_the_kept_ones_up_to_six(client, pairing, rated_entry, photo_upload):
    url = reverse("academy:entry_edit", args=[rated_entry.pk])
    data = {"date": rated_entry.date.isoformat(), "hours": "2"}
    response = client.post(url, {**data, "photos": [photo_upload("c.png")]})
    assert response.status_code == 302
    assert rated_entry.photos.count() == 3
    too_many = client.post(url, {**data, "photos": [photo_upload(f"{n}.png") for n in range(4)]})
    assert too_many.status_code == 400
    assert "每条记录最多6张照片" in too_many.content.decode()
    assert rated_entry.photos.count() == 3


class TestRemovingAPhoto:
    def test_mentor_confirms_then_one_photo_goes(self, client, pairing, rated_entry):
        photo, other = rated_entry.photos.order_by("pk")
        image_id = photo.image_id
        url = reverse("academy:photo_remove", args=[photo.pk])
        page = client.get(url)
        assert page.status_code == 200
        assert "移除照片" in page.content.decode()
        assert EvidencePhoto.objects.filter(pk=photo.pk).exists()  # asking saves nothing

        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("academy:entry_edit", args=[rated_entry.pk])
        assert list(rated_entry.photos.all()) == [other]
        assert not get_image_model().objects.filter(pk=image_id).exists()
        assert LogEntry.objects.filter(pk=rated_entry.pk).exists()
        log = ModelLogEntry.objects.get(action="academy.remove_photo")
        assert log.user == pairing.mentor and log.data["photo"] == photo.pk
        assert client.get(url).status_code == 404  # gone

    def test_not_on_a_confirmed_entry(self, client, pairing, rated_entry):
        LogEntry.objects.filter(pk=rated_entry.pk).update(confirmed_at=timezone.now())
        photo = rated_entry.photos.first()
        url = reverse("academy:photo_remove", args=[photo.pk])
        page = client.get(url, follow=True)
        assert "已确认并锁定" in page.content.decode()
        response = client.post(url)
        assert response.status_code == 400
        assert "已确认并锁定" in response.content.decode()
        assert rated_entry.photos.count() == 2
        detail = client.get(rated_entry.get_absolute_url()).content.decode()
        assert url not in detail

    def test_not_on_a_completed_pairing(self, client, pairing, rated_entry):
        Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.COMPLETED)
        photo = rated_entry.photos.first()
        response = client.post(reverse("academy:photo_remove", args=[photo.pk]))
        assert response.status_code == 400
        assert rated_entry.photos.count() == 2

    def test_only_the_entry_mentor(self, client, pairing, other_pairing, manager, rated_entry):
        photo = rated_entry.photos.first()
        url = reverse("academy:photo_remove", args=[photo.pk])
        for user, status in (
            (pairing.apprentice, 403),
            (manager, 403),
            (other_pairing.mentor, 404),
            (other_pairing.apprentice, 404),
        ):
            client.force_login(user)
            assert client.get(url).status_code == status, user
            assert client.post(url).status_code == status, user
        assert rated_entry.photos.count() == 2

    def test_deleting_an_entry_deletes_its_images(self, client, pairing, rated_entry):
        image_ids = list(rated_entry.photos.values_list("image_id", flat=True))
        page = client.get(reverse("academy:entry_delete", args=[rated_entry.pk]))
        assert "2张照片将一并删除" in page.content.decode()
        client.post(reverse("academy:entry_delete", args=[rated_entry.pk]))
        assert not LogEntry.objects.exists()
        assert not get_image_model().objects.filter(pk__in=image_ids).exists()


def _bomb(side, name="bomb.png"):
    """A small PNG file that claims side×side pixels."""
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize("side", [9500, 12000, 14000])  # over our limit, Pillow's, twice Pillow's
def test_a_photo_with_too_many_pixels_is_refused(client, pairing, side):
    client.force_login(pairing.mentor)
    response = _log(client, pairing, photos=[_bomb(side)])
    assert response.status_code == 400
    assert "像素过多" in response.content.decode()
    assert not LogEntry.objects.exists()
    assert not EvidencePhoto.objects.exists()


def test_the_apprentice_sees_ratings_and_photos_before_confirming(client, pairing, rated_entry):
    client.force_login(pairing.apprentice)
    page = client.get(reverse("academy:entry_confirm", args=[rated_entry.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    first = pairing.competencies.order_by("sort_order").first()
    assert first.name in html and "初步接触" in html
    for photo in rated_entry.photos.all():
        assert reverse("academy:photo", args=[photo.pk, "thumb"]) in html
