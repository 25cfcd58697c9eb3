import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_home_page_shows_what_is_on_in_each_section(demo_data):
    from django.utils import timezone

    from academy.models import ActivityPage
    from contests.models import ResultsPage
    from heritage.models import LessonPage

    html = Client().get("/").content.decode()
    assert "学院近期活动" in html and "最新竞赛成绩" in html and "非遗新课" in html
    next_activity = (
        ActivityPage.objects.live().filter(starts_at__gte=timezone.now()).order_by("starts_at")
    ).first()
    in_notice = ResultsPage.objects.live().filter(stage="notice").first()
    newest_lesson = LessonPage.objects.live().order_by("-first_published_at", "-pk").first()
    assert next_activity.title in html
    assert in_notice.event.name in html
    assert "公示至" in html
    assert newest_lesson.title in html


def test_english_home_page_speaks_english(demo_data):
    html = Client().get("/en/").content.decode()
    assert "Coming up at the academy" in html
    assert "Latest contest results" in html
    assert 'href="/en/academy/' in html


def test_home_page_queries_do_not_grow_with_lessons(demo_data, django_assert_max_num_queries):
    client = Client()
    with django_assert_max_num_queries(40) as captured:
        client.get("/", HTTP_CACHE_CONTROL="no-cache", QUERY_STRING="nocache=1")
    first = len(captured)

    from heritage.models import CraftPage, LessonPage

    craft = CraftPage.objects.live().first()
    template = LessonPage.objects.child_of(craft).live().first()
    for number in range(5):
        copy = template.copy(
            update_attrs={"title": f"新课{number}", "slug": f"new-lesson-{number}"},
            keep_live=True,
        )
        assert copy.live
    with django_assert_max_num_queries(first):
        assert client.get("/", QUERY_STRING="nocache=2").status_code == 200
