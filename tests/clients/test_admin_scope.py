"""Every admin URL, walked as every role but the manager's, on the whole demo.

Listings, choosers (with and without a search), the chosen-object answers a chooser sends back,
object screens, history, usage, image and document choosers, the page explorer and search,
and the reports: no response shows a child, an apprentice's evidence photo, a pairing or
another contest's entrant to anyone outside their scope. Teachers and craftsmen cannot reach
the admin in the demo; here one of each is given admin access, as a manager might, and still
sees only their own kindergarten or the sessions they teach.
"""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import NoReverseMatch, reverse
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.snippets.models import get_snippet_models

from academy.models import EvidencePhoto, Pairing
from contests.models import ContestPage, Entrant
from heritage.models import Child, Kindergarten, Session

pytestmark = pytest.mark.django_db

OBJECT_VIEWS = ("edit", "inspect", "delete", "history", "usage", "copy")
REPORTS = (
    "/admin/",
    "/admin/reports/site-history/",
    "/admin/reports/site-history/results/",
    "/admin/reports/locked/",
    "/admin/reports/aging-pages/",
    "/admin/reports/workflow/",
    "/admin/reports/workflow_tasks/",
    "/admin/pages/",
    "/admin/pages/search/?q=幼儿园",
    "/admin/search/?q=幼儿园",
    "/admin/choose-page/",
    "/admin/choose-page/search/?q=园",
    "/admin/images/",
    "/admin/images/?q=证据",
    "/admin/images/chooser/",
    "/admin/images/chooser/results/?q=证据",
    "/admin/documents/",
    "/admin/documents/chooser/",
    "/admin/documents/chooser/results/?q=a",
    "/admin/snippets/",
)


def login(client, username, admin_access=False):
    user = get_user_model().objects.get(username=username)
    if admin_access:
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.raise_request_exception = True
    client.force_login(user)
    return user


def snippet_urls(model, hidden):
    """Listing and chooser URLs of a snippet model, and every object view of ``hidden`` rows."""
    viewset = model.snippet_viewset
    chooser = viewset.chooser_viewset
    index = reverse(viewset.get_url_name("list"))
    yield from (index, f"{index}?q=王", f"{index}?export=csv")
    choose = reverse(chooser.get_url_name("choose"))
    results = reverse(chooser.get_url_name("choose_results"))
    yield from (choose, f"{choose}?q=王", results, f"{results}?q=小", f"{results}?p=2")
    for obj in hidden:
        yield reverse(chooser.get_url_name("chosen"), args=[obj.pk])
        yield reverse(chooser.get_url_name("chosen_multiple")) + f"?id={obj.pk}"
        for name in OBJECT_VIEWS:
            try:
                yield reverse(viewset.get_url_name(name), args=[obj.pk])
            except NoReverseMatch:
                continue


def media_urls(evidence_image):
    pk = evidence_image.pk
    return [
        reverse("wagtailimages:edit", args=[pk]),
        reverse("wagtailimages:image_usage", args=[pk]),
        reverse("wagtailimages_chooser:chosen", args=[pk]),
        reverse("wagtailimages_chooser:select_format", args=[pk]),
        reverse("wagtailimages_chooser:chosen_multiple") + f"?id={pk}",
    ]


def text_of(response):
    """What the browser gets, with JSON's \\u escapes (the choosers' answers) decoded."""
    if response.streaming:
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    text = raw.decode("utf-8-sig", errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return text


def walk(client, urls, secrets):
    """GET each URL; return the URLs that leaked a secret or failed."""
    problems = []
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
            continue
        if response.status_code != 200:
            continue
        body = text_of(response)
        leaked = sorted({secret for secret in secrets if secret in body})
        if leaked:
            problems.append(f"{url}: shows {leaked[:5]}")
    return problems


def out_of_scope(user):
    """Rows of every section a user may not see, and the strings that would betray them."""
    children = Child.objects.exclude(pk__in=Child.objects.for_user(user))
    sessions = Session.objects.exclude(pk__in=Session.objects.for_user(user))
    kindergartens = Kindergarten.objects.exclude(pk__in=Kindergarten.objects.for_user(user))
    pairings = Pairing.objects.exclude(pk__in=Pairing.objects.for_user(user))
    entrants = Entrant.objects.exclude(event__contest__organizers=user)
    evidence = get_image_model().objects.filter(pk__in=EvidencePhoto.objects.values("image_id"))
    return {
        "children": children,
        "sessions": sessions,
        "kindergartens": kindergartens,
        "pairings": pairings,
        "entrants": entrants,
        "evidence": evidence,
    }


def secrets_of(rows, user):
    own = set()
    for contest in ContestPage.objects.filter(organizers=user):
        own |= set(Entrant.objects.filter(event__contest=contest).values_list("name", flat=True))
    own |= set(Child.objects.for_user(user).values_list("display_name", flat=True))
    # Kindergartens' names are public (the programme page lists them); their children are not.
    secrets = set(rows["children"].values_list("display_name", flat=True))
    secrets |= set(rows["entrants"].values_list("name", flat=True)) - own
    secrets |= set(rows["evidence"].values_list("title", flat=True))
    secrets |= {str(p) for p in rows["pairings"].select_related("mentor", "apprentice", "trade")}
    # Two-character names are common words in Chinese pages; the longer ones are unambiguous.
    return {secret for secret in secrets if len(secret) >= 3}


def every_url(rows):
    hidden = {
        "heritage.child": rows["children"][:2],
        "heritage.session": rows["sessions"][:2],
        "heritage.kindergarten": rows["kindergartens"][:2],
        "academy.pairing": rows["pairings"][:2],
        "contests.entrant": rows["entrants"][:2],
    }
    urls = list(REPORTS)
    for model in get_snippet_models():
        urls += list(snippet_urls(model, hidden.get(model._meta.label_lower, [])))
    for image in rows["evidence"][:2]:
        urls += media_urls(image)
    heritage = Page.objects.get(slug="heritage", depth=3)
    urls += [f"/admin/pages/{heritage.pk}/", f"/admin/pages/{heritage.pk}/history/"]
    return urls


@pytest.mark.parametrize(
    "username,admin_access",
    [
        ("demo-organizer", False),
        ("demo-teacher", True),
        ("demo-craftsman", True),
        ("demo-mentor", True),
        ("demo-judge", False),
        ("demo-apprentice", False),
    ],
)
def test_no_role_sees_anything_outside_its_scope_anywhere_in_the_admin(
    client, demo, username, admin_access
):
    user = login(client, username, admin_access)
    rows = out_of_scope(user)
    secrets = secrets_of(rows, user)
    assert rows["evidence"].exists() and len(secrets) > 50
    problems = walk(client, every_url(rows), secrets)
    assert not problems, "\n".join(problems[:40])


def test_a_teacher_with_admin_access_sees_their_own_children(client, demo):
    user = login(client, "demo-teacher", admin_access=True)
    own = Child.objects.for_user(user).order_by("display_name").first()
    viewset = Child.snippet_viewset
    response = client.get(reverse(viewset.get_url_name("list")))
    assert response.status_code == 200
    assert own.display_name in response.content.decode()
    chooser = viewset.chooser_viewset
    response = client.get(reverse(chooser.get_url_name("chosen"), args=[own.pk]))
    assert response.status_code == 200 and response.json()["result"]["string"] == own.display_name
    other = Child.objects.exclude(pk__in=Child.objects.for_user(user)).first()
    response = client.get(reverse(chooser.get_url_name("chosen"), args=[other.pk]))
    assert response.status_code == 404
    response = client.get(reverse(viewset.get_url_name("edit"), args=[other.pk]))
    assert response.status_code in (302, 403, 404)
    assert other.display_name not in text_of(response)


def test_an_organizer_cannot_open_the_heritage_choosers_or_evidence_photos(client, demo):
    login(client, "demo-organizer")
    child = Child.objects.first()
    chooser = Child.snippet_viewset.chooser_viewset
    # Wagtail answers a refused admin URL by sending the user back to the dashboard.
    for url in (
        reverse(chooser.get_url_name("choose")),
        reverse(chooser.get_url_name("chosen"), args=[child.pk]),
        reverse("wagtailimages_chooser:chosen", args=[EvidencePhoto.objects.first().image_id]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert response.status_code != 302 or response["Location"] == "/admin/"
        assert child.display_name not in text_of(response)
    # the public images are still theirs to choose for a contest gallery
    public = get_image_model().objects.exclude(pk__in=EvidencePhoto.objects.values("image_id"))
    response = client.get(reverse("wagtailimages_chooser:chosen", args=[public.first().pk]))
    assert response.status_code == 200


def test_no_chooser_offers_private_media_even_to_managers(client, demo):
    login(client, "demo-manager")
    evidence = EvidencePhoto.objects.select_related("image").first().image
    html = client.get("/admin/images/chooser/results/?q=" + evidence.title[:4]).content.decode()
    assert evidence.title not in html
    # the manager still finds it in the image library
    assert evidence.title in client.get("/admin/images/?q=" + evidence.title[:4]).content.decode()
