"""Garbage in URLs, query strings and forms: a clear 4xx, never a 500, nothing saved."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from heritage.models import Session

pytestmark = pytest.mark.django_db

HUGE = "9" * 25


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


@pytest.mark.parametrize(
    "path",
    [
        f"/en/app/heritage/sessions/{HUGE}/",
        f"/en/app/heritage/sessions/{HUGE}/roll-call/",
        f"/en/app/heritage/sessions/{HUGE}/move/",
        f"/en/app/heritage/kindergartens/{HUGE}/",
        f"/en/app/heritage/classes/{HUGE}/",
        f"/en/app/heritage/lessons/{HUGE}/edit/",
        f"/en/app/heritage/crafts/{HUGE}/lessons/new/",
        "/en/app/heritage/sessions/abc/",
        "/en/app/heritage/sessions/-1/",
    ],
)
def test_huge_or_non_numeric_ids_in_urls_are_404(client, world, path):
    client.force_login(world.manager)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        f"craft={HUGE}",
        f"season={HUGE}",
        f"kindergarten={HUGE}",
        f"class_group={HUGE}",
        "craft=abc",
        "season=1.5",
        "by=nonsense",
    ],
)
def test_report_filters_refuse_garbage(client, world, query):
    client.force_login(world.teacher)
    response = client.get(en("heritage:reports") + "?" + query)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert client.get(en("heritage:reports_export", "csv") + "?" + query).status_code == 400


def test_public_lesson_filter_refuses_a_huge_craft_id(client, world):
    response = client.get(world.programme.url + f"lessons/?craft={HUGE}")
    assert response.status_code == 400


def test_moving_a_session_to_an_absurd_date_is_refused(client, world):
    client.force_login(world.teacher)
    url = en("heritage:session_move", world.session.pk)
    before = Session.objects.get(pk=world.session.pk).starts_at
    for day in ("0001-01-01", "9999-12-31", "2025-02-30", "tomorrow"):
        response = client.post(
            url,
            {
                "day": day,
                "start_time": "09:00",
                "end_time": "09:40",
                "place": "教室",
                "reason": "调整",
            },
        )
        assert response.status_code == 400, day
    text = response.content.decode()
    assert "Enter a valid date." in text
    response = client.post(
        url,
        {
            "day": "9999-12-31",
            "start_time": "09:00",
            "end_time": "09:40",
            "place": "x",
            "reason": "y",
        },
    )
    assert "Choose a date between 2000-01-01 and" in response.content.decode()
    assert Session.objects.get(pk=world.session.pk).starts_at == before


def test_scheduling_far_in_the_future_is_refused(client, world):
    client.force_login(world.teacher)
    far = timezone.localdate() + datetime.timedelta(days=365 * 10)
    count = Session.objects.count()
    response = client.post(
        en("heritage:session_new"),
        {
            "lesson": world.lesson.pk,
            "class_group": world.class_group.pk,
            "teacher": world.teacher.pk,
            "day": far.isoformat(),
            "start_time": "10:00",
            "end_time": "10:40",
        },
    )
    assert response.status_code == 400
    assert "Choose a date between" in response.content.decode()
    assert Session.objects.count() == count


def test_schedule_form_fills_in_the_craftsman_and_the_classroom(client, world):
    client.force_login(world.teacher)
    day = timezone.localdate() + datetime.timedelta(days=10)
    response = client.post(
        en("heritage:session_new"),
        {
            "lesson": world.lesson.pk,
            "class_group": world.class_group.pk,
            "craftsman": "",
            "teacher": world.teacher.pk,
            "day": day.isoformat(),
            "start_time": "10:00",
            "end_time": "10:40",
            "place": "",
        },
    )
    assert response.status_code == 302
    session = Session.objects.latest("pk")
    assert session.craftsman == world.craftsman
    assert session.place == world.class_group.room


@pytest.mark.parametrize(
    "name,args",
    [
        ("heritage:my_week", ()),
        ("heritage:reports", ()),
        ("heritage:plan", ()),
        ("heritage:feeds", ()),
        ("heritage:kindergartens", ()),
        ("heritage:my_lessons", ()),
        ("heritage:session_new", ()),
    ],
)
def test_wrong_methods_are_405(client, world, name, args):
    client.force_login(world.manager)
    url = en(name, *args)
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405


def test_wrong_methods_on_session_pages_and_feed(client, world):
    client.force_login(world.teacher)
    for url in (
        en("heritage:session", world.session.pk),
        en("heritage:roll_call", world.session.pk),
        en("heritage:session_move", world.session.pk),
        en("heritage:reports_export", "csv"),
    ):
        assert client.delete(url).status_code == 405, url
    assert client.get(en("heritage:plan_generate")).status_code == 405


def test_an_empty_week_points_to_the_next_class(client, world):
    client.force_login(world.craftsman)
    today = timezone.localdate()
    empty_week = today - datetime.timedelta(days=7 * 20)
    response = client.get(en("heritage:my_week") + f"?week={empty_week.isoformat()}")
    text = response.content.decode()
    assert "The next class after this week is on" in text
    assert f"?week={today.isoformat()}" in text  # the fixture's session is today


def test_class_group_page_links_to_scheduling_with_the_class_chosen(client, world):
    client.force_login(world.teacher)
    page = client.get(en("heritage:class_group", world.class_group.pk)).content.decode()
    link = en("heritage:session_new") + f"?class_group={world.class_group.pk}"
    assert link in page
    form = client.get(link).content.decode()
    assert f'<option value="{world.class_group.pk}" selected>' in form
    assert client.get(en("heritage:session_new") + "?class_group=" + "9" * 30).status_code == 200


@pytest.mark.parametrize(
    ("view", "message"),
    [
        ("heritage:session_new", "This field is required."),
        ("heritage:session_move", "This field is required."),
        ("heritage:session_cancel", "Give a reason for the cancellation."),
    ],
)
def test_an_empty_post_is_refused_with_the_fields_named(client, world, view, message):
    # Found by the form fuzz: `Form(request.POST or None)` left a form posted with no field
    # unbound, so the page answered 400 without saying what was missing.
    client.force_login(world.teacher)
    args = () if view == "heritage:session_new" else (world.session.pk,)
    before = list(Session.objects.values_list("pk", "starts_at", "status"))
    response = client.post(en(view, *args), {})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(Session.objects.values_list("pk", "starts_at", "status")) == before


def test_a_roll_call_reason_with_a_nul_byte_is_refused(client, world):
    # Found by the form fuzz on PostgreSQL, which refuses NUL bytes in text (500).
    client.force_login(world.teacher)
    child = world.children[0]
    response = client.post(
        en("heritage:roll_call", world.session.pk),
        {f"status_{child.pk}": "excused", f"reason_{child.pk}": "sick\x00"},
    )
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()
    assert not world.session.attendance.exists()


def test_a_lesson_of_another_age_band_is_refused(client, world):
    from heritage.models import AgeBand
    from tests.factories.heritage import make_lesson

    small = make_lesson(world.craft, title="扎染小手帕", age_band=AgeBand.SMALL, slug="small-one")
    client.force_login(world.teacher)
    count = Session.objects.count()
    response = client.post(
        en("heritage:session_new"),
        {
            "lesson": small.pk,
            "class_group": world.class_group.pk,
            "teacher": world.teacher.pk,
            "day": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
            "start_time": "10:00",
            "end_time": "10:40",
        },
    )
    assert response.status_code == 400
    assert "Choose a lesson of the class group&#x27;s age band" in response.content.decode()
    assert Session.objects.count() == count


def test_the_teacher_list_offers_only_the_kindergartens_own_teachers(client, world):
    client.force_login(world.teacher)
    form = client.get(en("heritage:session_new")).context["form"]
    offered = set(form.fields["teacher"].queryset)
    assert world.teacher in offered and world.teacher2 not in offered
