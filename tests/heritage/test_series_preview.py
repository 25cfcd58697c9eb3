"""A series, or a single session on a holiday or in the past, shows its dates before saving:
holidays skipped, make-up working days (调休) marked, clashes named; only the confirm button
creates the sessions."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.models import CalendarDay
from heritage.models import Session, SessionSeries
from tests.factories.heritage import SessionFactory, at

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def _data(world, day, **extra):
    return {
        "lesson": world.lesson.pk,
        "class_group": world.class_group.pk,
        "teacher": world.teacher.pk,
        "day": day.isoformat(),
        "start_time": "10:00",
        "end_time": "10:40",
        "place": "大一班教室",
        # The weeks used here may reach a year the package does not know yet.
        "confirm_unknown_years": "on",
        **extra,
    }


@pytest.fixture
def holiday_week():
    """Three Mondays from a Monday a few weeks ahead; the second is a holiday (端午节) made up
    on the Saturday of its week."""
    today = timezone.localdate()
    monday = today + (28 - today.weekday()) * DAY
    CalendarDay.objects.filter(date__range=(monday - 14 * DAY, monday + 35 * DAY)).delete()
    CalendarDay.objects.create(date=monday + 7 * DAY, kind="holiday", name="端午节")
    CalendarDay.objects.create(date=monday + 12 * DAY, kind="workday", name="端午节")
    return monday


def _series(world, monday, **extra):
    return _data(
        world,
        monday,
        repeat="on",
        weekdays=["0"],
        interval_weeks="1",
        until=(monday + 20 * DAY).isoformat(),
        **extra,
    )


def _rows(html):
    return re.findall(r'data-preview-date="([0-9-]+)"', html)


def test_the_preview_lists_the_dates_and_creates_nothing(client, world, holiday_week):
    monday = holiday_week
    client.force_login(world.teacher)
    sessions, series = Session.objects.count(), SessionSeries.objects.count()
    response = client.post(en("heritage:session_new"), _series(world, monday))
    assert response.status_code == 200
    html = response.content.decode()
    assert _rows(html) == [
        d.isoformat() for d in (monday, monday + 7 * DAY, monday + 12 * DAY, monday + 14 * DAY)
    ]
    assert "Holiday (端午节), skipped" in html
    made_up = (monday + 7 * DAY).isoformat()
    assert f"Make-up working day (调休), instead of {made_up}" in html
    assert "Saturday" in html and "Monday" in html
    assert "Confirm and create 3 sessions" in html
    assert "In the past" not in html
    assert Session.objects.count() == sessions
    assert SessionSeries.objects.count() == series


def test_confirming_creates_exactly_the_previewed_sessions(client, world, holiday_week):
    monday = holiday_week
    client.force_login(world.teacher)
    response = client.post(en("heritage:session_new"), _series(world, monday, confirmed="on"))
    assert response.status_code == 302
    created = Session.objects.filter(series__isnull=False)
    assert sorted(timezone.localdate(s.starts_at) for s in created) == [
        monday,
        monday + 12 * DAY,
        monday + 14 * DAY,
    ]
    assert {timezone.localtime(s.starts_at).strftime("%H:%M") for s in created} == {"10:00"}


def test_the_preview_shows_in_chinese(client, world, holiday_week):
    client.force_login(world.teacher)
    html = client.post(reverse("heritage:session_new"), _series(world, holiday_week)).content
    html = html.decode()
    assert "节假日（端午节），跳过" in html and "调休" in html and "周六" in html
    assert "确认并创建 3 节课" in html


def test_changing_from_the_preview_returns_to_the_filled_in_form(client, world, holiday_week):
    client.force_login(world.teacher)
    response = client.post(en("heritage:session_new"), _series(world, holiday_week, edit="on"))
    assert response.status_code == 200
    assert response.templates[0].name == "heritage/session_form.html"
    assert response.context["form"]["until"].value() == (holiday_week + 20 * DAY).isoformat()
    assert not Session.objects.filter(series__isnull=False).exists()


def test_a_single_session_in_the_past_asks_first(client, world):
    client.force_login(world.teacher)
    last_week = timezone.localdate() - 7 * DAY
    count = Session.objects.count()
    response = client.post(en("heritage:session_new"), _data(world, last_week))
    assert response.status_code == 200
    html = response.content.decode()
    assert "In the past" in html and "Confirm and create 1 session" in html
    assert Session.objects.count() == count
    confirmed = client.post(en("heritage:session_new"), _data(world, last_week, confirmed="on"))
    assert confirmed.status_code == 302
    assert Session.objects.count() == count + 1


def test_a_single_session_on_a_holiday_asks_first(client, world, holiday_week):
    client.force_login(world.teacher)
    count = Session.objects.count()
    response = client.post(en("heritage:session_new"), _data(world, holiday_week + 7 * DAY))
    assert response.status_code == 200
    assert "On a statutory holiday (端午节)" in response.content.decode()
    assert Session.objects.count() == count


def test_an_ordinary_single_session_is_created_at_once(client, world, holiday_week):
    client.force_login(world.teacher)
    count = Session.objects.count()
    response = client.post(en("heritage:session_new"), _data(world, holiday_week + DAY))
    assert response.status_code == 302
    assert Session.objects.count() == count + 1


def test_a_clash_in_the_series_is_named_and_cannot_be_confirmed(client, world, holiday_week):
    monday = holiday_week
    other = SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group,
        teacher=world.teacher,
        starts_at=at(monday + 14 * DAY, 10, 20),
    )
    client.force_login(world.teacher)
    count = Session.objects.count()
    response = client.post(en("heritage:session_new"), _series(world, monday))
    html = response.content.decode()
    assert "1 date clashes with a session already scheduled" in html
    assert "Clashes with" in html and other.place in html
    assert "Confirm and create" not in html
    forced = client.post(en("heritage:session_new"), _series(world, monday, confirmed="on"))
    assert forced.status_code == 400
    assert Session.objects.count() == count


def test_a_monday_class_in_a_holiday_week_follows_that_weeks_make_up_day():
    from heritage.services.series import expand_series

    # National Day 2025: 10-01 to 10-08 off, worked on Sunday 09-28 and Saturday 10-11. Monday
    # 10-06 is named 中秋 in the table, the make-up days 国庆节: one break all the same.
    plan = expand_series(datetime.date(2025, 9, 22), datetime.date(2025, 10, 20), weekdays=[0])
    assert plan.skipped == [(datetime.date(2025, 10, 6), "中秋")]
    assert plan.moved_from == {datetime.date(2025, 10, 11): datetime.date(2025, 10, 6)}
    assert datetime.date(2025, 9, 28) not in plan.dates
