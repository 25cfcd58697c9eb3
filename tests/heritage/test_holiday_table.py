"""China's official holidays as data: the managers' table, what scheduling reads from it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from core.holidays import calendar_between, seed_from_package
from core.models import CalendarDay
from heritage.models import Session
from heritage.services import series
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def test_years_the_package_knows_are_in_the_table_after_migrate():
    national_day = CalendarDay.objects.get(date=D(2025, 10, 1))
    assert (national_day.kind, national_day.name) == ("holiday", "国庆节")
    make_up = CalendarDay.objects.get(date=D(2025, 9, 28))  # a Sunday worked for National Day
    assert (make_up.kind, make_up.name) == ("workday", "国庆节")
    assert not CalendarDay.objects.filter(date__year=2030).exists()


def test_seeding_again_keeps_what_managers_changed():
    CalendarDay.objects.filter(date=D(2025, 10, 8)).delete()  # a manager's correction
    CalendarDay.objects.filter(date=D(2025, 10, 1)).update(name="国庆")
    count = CalendarDay.objects.count()
    assert seed_from_package() == 0
    assert CalendarDay.objects.count() == count
    assert CalendarDay.objects.get(date=D(2025, 10, 1)).name == "国庆"


def test_a_year_entered_by_a_manager_is_used_by_every_later_series():
    before = series.expand_series(D(2030, 1, 1), D(2030, 1, 13), weekdays=[1])
    assert before.dates == [D(2030, 1, 1), D(2030, 1, 8)] and before.unknown_years == {2030}
    # The State Council publishes 2030: New Year's Day off, Saturday the 5th worked instead.
    CalendarDay.objects.create(date=D(2030, 1, 1), kind="holiday", name="元旦")
    CalendarDay.objects.create(date=D(2030, 1, 5), kind="workday", name="元旦")
    after = series.expand_series(D(2030, 1, 1), D(2030, 1, 13), weekdays=[1])
    assert after.skipped == [(D(2030, 1, 1), "元旦")]
    assert after.dates == [D(2030, 1, 5), D(2030, 1, 8)] and after.makeups == [D(2030, 1, 5)]
    assert after.unknown_years == set()


def test_a_three_year_range_reads_the_table_in_two_queries(django_assert_num_queries):
    with django_assert_num_queries(2):
        calendar = calendar_between(D(2024, 1, 1), D(2026, 12, 31))
    assert calendar.kind(D(2026, 10, 1)) == ("holiday", "国庆节")
    assert calendar.kind(D(2026, 10, 10)) == ("makeup", "国庆节")
    assert calendar.kind(D(2026, 10, 12)) == ("work", None)
    assert calendar.kind(D(2026, 10, 11)) == ("rest", None)


def _class_on(world, day, **extra):
    return {
        "lesson": world.lesson.pk,
        "class_group": world.class_group.pk,
        "teacher": world.teacher.pk,
        "day": day.isoformat(),
        "start_time": "10:00",
        "end_time": "10:40",
        **extra,
    }


def test_scheduling_into_a_year_without_holidays_says_so_before_saving(client, world):
    client.force_login(world.teacher)
    day = D(2028, 3, 6)
    CalendarDay.objects.filter(date__year=2028).delete()
    count = Session.objects.count()
    response = client.post(en("heritage:session_new"), _class_on(world, day))
    assert response.status_code == 400
    assert "The official holidays of 2028 are not in the holiday table yet" in (
        response.content.decode()
    )
    assert 'name="confirm_unknown_years"' in response.content.decode()
    assert Session.objects.count() == count
    confirmed = client.post(
        en("heritage:session_new"), _class_on(world, day, confirm_unknown_years="on")
    )
    assert confirmed.status_code == 302
    assert Session.objects.count() == count + 1


def test_managers_keep_the_table_in_the_admin(client, world):
    client.force_login(world.manager)
    listing = client.get("/admin/snippets/core/calendarday/?q=国庆")
    assert listing.status_code == 200
    assert "国庆节" in listing.content.decode()
    added = client.post(
        "/admin/snippets/core/calendarday/add/",
        {"date": "2030-01-01", "kind": "holiday", "name": "元旦"},
    )
    assert added.status_code == 302
    assert CalendarDay.objects.get(date=D(2030, 1, 1)).name == "元旦"
    twice = client.post(
        "/admin/snippets/core/calendarday/add/",
        {"date": "2030-01-01", "kind": "holiday", "name": "元旦"},
    )
    assert twice.status_code == 200 and CalendarDay.objects.filter(date=D(2030, 1, 1)).count() == 1


def test_only_managers_change_the_table(client, world):
    organizer = UserFactory(username="organizer", role="organizer")
    client.force_login(organizer)
    response = client.post(
        "/admin/snippets/core/calendarday/add/",
        {"date": "2030-01-01", "kind": "holiday", "name": "元旦"},
    )
    assert response.status_code in (302, 403)
    assert not CalendarDay.objects.filter(date=D(2030, 1, 1)).exists()
