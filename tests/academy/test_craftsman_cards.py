"""Folk craftsmen's cards carry their work or their portrait, at a constant cost."""

import pytest
from django.core.cache import cache
from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model

from academy.models import ProfileIndexPage, ProfilePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(site_tree):
    academy = site_tree.sections["academy.AcademyPage"]
    return academy.add_child(instance=ProfileIndexPage(title="劳模工匠", slug="people"))


def _image(png_bytes, title):
    return get_image_model().objects.create(
        title=title, file=ImageFile(__import__("io").BytesIO(png_bytes((300, 200))), name="w.png")
    )


def _craftsman(index, png_bytes, title, work=True, photo=False):
    return index.add_child(
        instance=ProfilePage(
            title=title,
            slug=f"c-{ProfilePage.objects.count()}",
            kind=ProfilePage.Kind.FOLK_CRAFTSMAN,
            work_image=_image(png_bytes, f"{title}的作品") if work else None,
            photo=_image(png_bytes, f"{title}的照片") if photo else None,
        )
    )


def test_cards_show_the_work_the_portrait_or_an_initial(client, people, png_bytes):
    _craftsman(people, png_bytes, "岑竹编", work=True, photo=True)
    _craftsman(people, png_bytes, "鲍无图", work=False)
    html = client.get(people.url + "craftsmen/").content.decode()
    assert html.count('class="person__work"') == 1
    assert html.count('class="person__photo"') == 1
    assert '<span class="person__initial" aria-hidden="true">鲍</span>' in html


def test_the_profile_shows_the_work_image(client, people, png_bytes):
    profile = _craftsman(people, png_bytes, "岑竹编")
    html = client.get(profile.url).content.decode()
    assert "岑竹编的作品" in html and 'class="person__work"' in html


def _count(client, url):
    cache.clear()  # the anonymous page cache would answer without a query
    client.get(url)  # renditions are made once
    cache.clear()
    client.get("/accounts/login/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_showcase_costs_the_same_with_more_images(client, people, png_bytes):
    _craftsman(people, png_bytes, "甲", photo=True)
    small = _count(client, people.url + "craftsmen/")
    for i in range(10):
        _craftsman(people, png_bytes, f"乙{i}", photo=True)
    assert _count(client, people.url + "craftsmen/") == small
