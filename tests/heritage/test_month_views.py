"""Month and season views for teachers, craftsmen and kindergartens: the sessions in scope, the
official holidays and make-up working days labelled, weekdays named 周一…周日, and a constant
number of queries however many sessions the month holds."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.heritage import SeasonFactory, SessionFactory, at

pytestmark = pytest.mark.django_db

D = datetime.date
MONTH = "/app/heritage/my-month/"
SEASON = "/app/heritage/my-season/"


def session_on(world, day, hour=9, class_group=None, teacher=None):
    return SessionFactory(
        lesson=world.lesson,
        class_group=class_group or world.class_group,
        teacher=teacher or world.teacher,
        starts_at=at(day, hour),
    )


def test_the_month_shows_my_sessions_with_holidays_and_make_up_days(client, world):
    session_on(world, D(2025, 10, 9), 10)
    session_on(world, D(2025, 10, 11), 9)  # a Saturday worked for National Day
    session_on(world, D(2025, 10, 9), 14, world.class_group2, world.teacher2)
    client.force_login(world.teacher)
    response = client.get(MONTH, {"month": "2025-10"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2025-10 月历" in html and "2 节课" in html
    assert "国庆节（放假）" in html
    assert "调休上班（国庆节）" in html
    assert html.index('<th scope="col">周一</th>') < html.index('<th scope="col">周日</th>')
    assert "星期" not in html
    assert "10:00" in html and world.kg.short_name not in html.split("month-grid")[0]
    assert "明珠" not in html  # the other kindergarten's class


def test_the_craftsman_sees_the_sessions_he_teaches_across_kindergartens(client, world):
    session_on(world, D(2025, 10, 13), 9)
    session_on(world, D(2025, 10, 14), 9, world.class_group2, world.teacher2)
    client.force_login(world.craftsman)
    html = client.get(MONTH, {"month": "2025-10"}).content.decode()
    assert "2 节课" in html


def test_one_kindergarten_in_scope_only(client, world):
    session_on(world, D(2025, 10, 13), 9)
    client.force_login(world.teacher)
    mine = client.get(MONTH, {"month": "2025-10", "kindergarten": world.kg.pk})
    assert mine.status_code == 200 and world.kg.name in mine.content.decode()
    assert client.get(MONTH, {"month": "2025-10", "kindergarten": world.kg2.pk}).status_code == 404
    assert client.get(SEASON, {"kindergarten": world.kg2.pk}).status_code == 404
    client.force_login(world.manager)
    other = client.get(MONTH, {"month": "2025-10", "kindergarten": world.kg2.pk})
    assert other.status_code == 200 and world.kg2.name in other.content.decode()


@pytest.mark.parametrize("month", ["2025-13", "abc", "1900-01", "2025-1-1"])
def test_a_bad_month_is_refused_with_a_message(client, world, month):
    client.force_login(world.teacher)
    response = client.get(MONTH, {"month": month})
    assert response.status_code == 400
    assert "月份的格式应为 2026-12" in response.content.decode()


def test_other_roles_cannot_open_the_calendars(client, world):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="judge-x", role="judge"))
    assert client.get(MONTH).status_code == 403
    assert client.get(SEASON).status_code == 403


def test_the_month_reads_the_same_number_of_queries_for_3_or_30_sessions(client, world):
    client.force_login(world.teacher)

    def queries():
        # The first page after a change reads the site's menu again (its cache is dropped).
        assert client.get(MONTH, {"month": "2025-11"}).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            assert client.get(MONTH, {"month": "2025-11"}).status_code == 200
        return len(captured)

    for day in range(3, 6):
        session_on(world, D(2025, 11, day))
    few = queries()
    for day in range(6, 28):
        session_on(world, D(2025, 11, day), 9)
        session_on(world, D(2025, 11, day), 14)
    assert queries() == few


def test_the_season_lists_its_weeks_with_sessions_and_holidays(client, world):
    season = SeasonFactory(name="2025 秋季", starts_on=D(2025, 9, 1), ends_on=D(2025, 10, 31))
    session_on(world, D(2025, 9, 2))
    session_on(world, D(2025, 10, 9))
    client.force_login(world.teacher)
    response = client.get(SEASON, {"season": season.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2025 秋季" in html and "2 节课" in html
    assert "第 1 周" in html and "第 9 周" in html
    assert "国庆节（放假）" in html and "调休上班（国庆节）" in html
    assert "周二 9/2" in html and "周四 10/9" in html
    assert client.get(SEASON, {"season": "999999"}).status_code == 404


def test_the_week_names_its_days_the_same_way(client, world):
    client.force_login(world.teacher)
    html = client.get("/app/heritage/my-week/", {"week": "2025-10-13"}).content.decode()
    assert "周一" in html and "星期一" not in html
    assert 'href="/app/heritage/my-month/"' in html
