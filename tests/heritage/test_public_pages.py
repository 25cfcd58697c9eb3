"""The public site: programme page with the matrix, craft and lesson pages, no child anywhere."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from core.models import HomePage
from heritage.models import CraftPage, LessonPage, ProgrammePage
from tests.factories.heritage import SessionFactory, at, make_craft, make_lesson

pytestmark = pytest.mark.django_db


class PageTreeTests(WagtailPageTestCase):
    def test_crafts_under_the_programme_and_lessons_under_crafts(self):
        self.assertCanCreateAt(ProgrammePage, CraftPage)
        self.assertCanCreateAt(CraftPage, LessonPage)
        self.assertCanNotCreateAt(HomePage, CraftPage)
        self.assertCanNotCreateAt(ProgrammePage, LessonPage)
        self.assertCanNotCreateAt(LessonPage, LessonPage)
        self.assertCanNotCreateAt(Page, ProgrammePage)


def test_programme_page_shows_crafts_kindergartens_and_matrix_but_no_child(client, world):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group,
        teacher=world.teacher,
        starts_at=at(yesterday, 9),
        season=world.season,
    )
    response = client.get(world.programme.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "蓝印扎染" in html and "桃源幼" in html and "明珠幼" in html
    assert 'class="matrix"' in html
    held = 1 + (world.session.ends_at <= timezone.now())  # today's session may be over
    assert f"<strong>{held}</strong>/{held}" in html
    for child in world.children:
        assert child.display_name not in html
    assert "明珠孩子" not in html


def test_craft_page_and_lesson_page_and_print_view(client, world):
    html = client.get(world.craft.url).content.decode()
    assert "应师傅" in html and "扎染初体验" in html and "传统技艺" in html
    lesson = client.get(world.lesson.url).content.decode()
    assert "白布" in lesson and "折布" in lesson and "#扎染" in lesson
    printed = client.get(world.lesson.url + "print/")
    assert printed.status_code == 200
    assert "site-header" not in printed.content.decode() and "折布" in printed.content.decode()
    for child in world.children:
        assert child.display_name not in html + lesson


def test_lesson_listing_filters_by_craft_age_band_and_tag(client, world):
    other = make_craft(world.programme, title="竹编", slug="zhubian")
    make_lesson(other, title="竹编小鱼", age_band="small", tags=["竹编"], slug="fish")
    base = world.programme.url + "lessons/"
    all_html = client.get(base).content.decode()
    assert "扎染初体验" in all_html and "竹编小鱼" in all_html
    by_craft = client.get(base, {"craft": other.pk}).content.decode()
    assert "竹编小鱼" in by_craft and "扎染初体验" not in by_craft
    by_band = client.get(base, {"age_band": "large"}).content.decode()
    assert "扎染初体验" in by_band and "竹编小鱼" not in by_band
    by_tag = client.get(base, {"tag": "竹编"}).content.decode()
    assert "竹编小鱼" in by_tag and "扎染初体验" not in by_tag
    assert client.get(base, {"craft": "abc"}).status_code == 400
    assert client.get(base, {"age_band": "huge"}).status_code == 400
    assert client.get("/en" + base).status_code == 200


@pytest.mark.parametrize("extra", [0, 20])
def test_programme_page_query_count_does_not_grow(
    client, world, warm_shell, extra, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    for i in range(extra):
        SessionFactory(
            lesson=world.lesson,
            class_group=world.class_group,
            teacher=world.teacher,
            starts_at=at(timezone.localdate() - datetime.timedelta(days=i + 1), 9),
        )
    with django_assert_max_num_queries(20):
        assert client.get(world.programme.url).status_code == 200


def test_non_image_upload_is_refused_by_the_image_library(client, world):
    client.force_login(world.manager)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/admin/images/add/",
        {
            "title": "不是图片",
            "file": SimpleUploadedFile("steps.png", b"not an image", "image/png"),
        },
    )
    assert response.status_code == 200  # the form again, with an error
    from wagtail.images.models import Image

    assert not Image.objects.exists()


def test_programme_page_cache_is_dropped_when_a_session_changes(client, world):
    first = client.get(world.programme.url)
    assert first["X-Page-Cache"] == "miss"
    assert client.get(world.programme.url)["X-Page-Cache"] == "hit"
    world.session.status = "cancelled"
    world.session.save()
    assert client.get(world.programme.url)["X-Page-Cache"] == "miss"
