"""What teachers, craftsmen and managers do in the workspace, through the views."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from heritage.models import Attendance, RollCall, Session
from tests.factories.heritage import ChildFactory, SessionFactory, at

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def schedule_data(world, day, **overrides):
    data = {
        "lesson": world.lesson.pk,
        "class_group": world.class_group.pk,
        "craftsman": world.craftsman.pk,
        "teacher": world.teacher.pk,
        "day": day.isoformat(),
        "start_time": "10:00",
        "end_time": "10:40",
        "place": "大一班教室",
    }
    data.update(overrides)
    return data


def next_monday():
    today = timezone.localdate()
    return today + datetime.timedelta(days=7 - today.weekday())


# ---------------------------------------------------------------- scheduling


def test_teacher_schedules_a_weekly_series(client, world):
    login(client, world.teacher)
    monday = next_monday()
    data = schedule_data(
        world,
        monday,
        repeat="on",
        weekdays=["0", "3"],
        interval_weeks="1",
        until=(monday + datetime.timedelta(days=20)).isoformat(),
    )
    preview = client.post(reverse("heritage:session_new"), data)
    assert preview.status_code == 200 and "确认并创建" in preview.content.decode()
    assert not Session.objects.filter(series__isnull=False).exists()
    response = client.post(reverse("heritage:session_new"), {**data, "confirmed": "on"})
    assert response.status_code == 302
    created = Session.objects.filter(series__isnull=False)
    assert 1 <= created.count() <= 6
    assert {timezone.localtime(s.starts_at).weekday() for s in created} <= {0, 3, 5, 6}
    page = client.get(response["Location"])
    assert f"已排 {created.count()} 节课" in page.content.decode()


def test_clash_is_refused_with_a_message_naming_the_session(client, world):
    login(client, world.teacher)
    today = timezone.localdate()
    response = client.post(
        reverse("heritage:session_new"),
        schedule_data(world, today, start_time="09:20", end_time="10:00"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "扎染初体验" in html and "09:00" in html
    assert Session.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"start_time": "11:00", "end_time": "10:00"}, "end_time"),
        ({"repeat": "on", "weekdays": ["0"], "until": "2020-01-01"}, "until"),
        ({"repeat": "on", "until": "2027-01-01"}, "weekdays"),
        ({"class_group": "abc"}, "class_group"),
        ({"lesson": "999999"}, "lesson"),
    ],
)
def test_bad_schedules_are_refused_beside_the_field(client, world, overrides, field):
    login(client, world.teacher)
    response = client.post(
        reverse("heritage:session_new"), schedule_data(world, next_monday(), **overrides)
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Session.objects.count() == 1


def test_series_over_200_is_refused(client, world):
    login(client, world.teacher)
    response = client.post(
        reverse("heritage:session_new"),
        schedule_data(
            world,
            datetime.date(2025, 1, 6),
            repeat="on",
            weekdays=["0", "1", "2", "3", "4"],
            until="2026-02-27",
        ),
    )
    assert response.status_code == 400
    assert "200" in response.content.decode()


def test_teacher_cannot_schedule_for_another_kindergarten(client, world):
    login(client, world.teacher2)
    response = client.post(
        reverse("heritage:session_new"),
        schedule_data(world, next_monday(), teacher=world.teacher2.pk),
    )
    assert response.status_code == 400
    assert "class_group" in response.context["form"].errors


def test_craftsman_cannot_schedule(client, world):
    login(client, world.craftsman)
    assert client.get(reverse("heritage:session_new")).status_code == 403


def test_move_and_cancel_with_a_reason(client, world):
    login(client, world.teacher)
    url = reverse("heritage:session_move", args=[world.session.pk])
    day = next_monday()
    response = client.post(
        url,
        {"day": day, "start_time": "14:00", "end_time": "14:40", "place": "美工室", "reason": ""},
    )
    assert response.status_code == 400
    response = client.post(
        url,
        {
            "day": day,
            "start_time": "14:00",
            "end_time": "14:40",
            "place": "美工室",
            "reason": "匠人调课",
        },
    )
    assert response.status_code == 302
    world.session.refresh_from_db()
    assert (
        timezone.localtime(world.session.starts_at).hour == 14
        and world.session.change_reason == "匠人调课"
    )
    cancel = reverse("heritage:session_cancel", args=[world.session.pk])
    assert "Cancel this session" in client.get("/en" + cancel).content.decode()
    assert client.post(cancel, {"reason": "下雨"}).status_code == 302
    world.session.refresh_from_db()
    assert world.session.is_cancelled
    assert ModelLogEntry.objects.filter(action="heritage.session.cancel").exists()


# ---------------------------------------------------------------- roll call


def roll_data(children, status="present"):
    return {f"status_{c.pk}": status for c in children}


def test_roll_call_screen_starts_all_present_and_saves_in_one_request(client, world):
    login(client, world.teacher)
    url = reverse("heritage:roll_call", args=[world.session.pk])
    html = client.get(url).content.decode()
    assert html.count('value="present" checked') == 5
    for child in world.children:
        assert child.display_name in html
    data = roll_data(world.children)
    data[f"status_{world.children[0].pk}"] = "absent"
    data[f"reason_{world.children[0].pk}"] = "没来"
    assert client.post(url, data).status_code == 302
    assert Attendance.objects.filter(session=world.session, status="absent").get().reason == "没来"
    # Saving again updates, never duplicates, and the edit is in Wagtail's log.
    data[f"status_{world.children[0].pk}"] = "late"
    assert client.post(url, data).status_code == 302
    assert Attendance.objects.filter(session=world.session).count() == 5
    assert ModelLogEntry.objects.filter(action="heritage.roll_call.edit").count() == 1
    page = client.get(url).content.decode()
    assert "沈老师" in page


def test_craftsman_takes_the_roll_of_a_session_they_teach(client, world):
    login(client, world.craftsman)
    url = reverse("heritage:roll_call", args=[world.session.pk])
    assert client.post(url, roll_data(world.children)).status_code == 302
    assert RollCall.objects.get().recorded_by == world.craftsman


@pytest.mark.parametrize("bad", ["stranger", "status", "key"])
def test_roll_call_bad_input_is_refused_and_nothing_saved(client, world, bad):
    login(client, world.teacher)
    data = roll_data(world.children)
    if bad == "stranger":
        data[f"status_{ChildFactory(class_group=world.class_group2).pk}"] = "present"
    elif bad == "status":
        data[f"status_{world.children[0].pk}"] = "sleeping"
    else:
        data["status_abc"] = "present"
    response = client.post(reverse("heritage:roll_call", args=[world.session.pk]), data)
    assert response.status_code == 400
    assert "form-errors" in response.content.decode()
    assert not Attendance.objects.exists()


def test_roll_call_of_a_cancelled_session_is_refused(client, world):
    world.session.status = Session.Status.CANCELLED
    world.session.save()
    login(client, world.teacher)
    response = client.post(
        reverse("heritage:roll_call", args=[world.session.pk]), roll_data(world.children)
    )
    assert response.status_code == 400
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("size", [5, 40])
def test_roll_call_request_has_a_bounded_query_count(
    client, world, size, django_assert_max_num_queries
):
    ChildFactory.create_batch(size - 5, class_group=world.class_group)
    login(client, world.teacher)
    url = reverse("heritage:roll_call", args=[world.session.pk])
    data = roll_data(world.class_group.children.all())
    client.get(url)
    with django_assert_max_num_queries(24):
        assert client.post(url, data).status_code == 302


# ---------------------------------------------------------------- scope twins


def test_teacher2_cannot_reach_teacher1_data(client, world):
    SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group2,
        teacher=world.teacher2,
        starts_at=at(timezone.localdate(), 14),
    )
    login(client, world.teacher)
    client.post(reverse("heritage:roll_call", args=[world.session.pk]), roll_data(world.children))
    feed_page = client.get(reverse("heritage:feeds"))
    teacher_feed = feed_page.context["items"][0]["feed"]
    login(client, world.teacher2)
    for name in ("roll_call", "session", "session_move", "session_cancel"):
        assert client.get(reverse(f"heritage:{name}", args=[world.session.pk])).status_code == 404
    assert (
        client.post(
            reverse("heritage:roll_call", args=[world.session.pk]), roll_data(world.children)
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("heritage:class_group", args=[world.class_group.pk])).status_code == 404
    )
    assert client.get(reverse("heritage:kindergarten", args=[world.kg.pk])).status_code == 404
    assert client.post(reverse("heritage:feed_revoke", args=[teacher_feed.pk])).status_code == 404
    report = client.get(reverse("heritage:reports") + "?by=child").content.decode()
    export = b"".join(
        client.get(reverse("heritage:reports_export", args=["csv"])).streaming_content
    ).decode("utf-8-sig")
    for child in world.children:
        assert child.display_name not in report and child.display_name not in export
    # A filter naming the other kindergarten is refused, not silently widened.
    assert (
        client.get(reverse("heritage:reports") + f"?kindergarten={world.kg.pk}").status_code == 400
    )
    my_week = client.get(reverse("heritage:my_week")).content.decode()
    assert "桃源幼" not in my_week and "明珠幼" in my_week


def test_anonymous_is_sent_to_login_and_outsiders_get_403(client, world, user_factory):
    assert client.get(reverse("heritage:my_week")).status_code == 302
    login(client, user_factory(role="judge"))
    assert client.get(reverse("heritage:my_week")).status_code == 403
    assert client.get(reverse("heritage:reports")).status_code == 403


# ---------------------------------------------------------------- my week


def test_my_week_of_teacher_and_craftsman_show_lesson_and_materials(client, world):
    for user in (world.teacher, world.craftsman):
        login(client, user)
        html = client.get(reverse("heritage:my_week")).content.decode()
        assert "扎染初体验" in html and "白布" in html and "09:00" in html


@pytest.mark.parametrize("week", ["abc", "2025-13-01", "1500-01-01"])
def test_my_week_refuses_a_bad_week(client, world, week):
    login(client, world.teacher)
    assert client.get(reverse("heritage:my_week") + f"?week={week}").status_code == 400


@pytest.mark.parametrize("extra", [1, 30])
def test_my_week_query_count_does_not_grow(
    client, world, warm_shell, extra, django_assert_max_num_queries
):
    for i in range(extra):
        SessionFactory(
            lesson=world.lesson,
            class_group=world.class_group,
            teacher=world.teacher,
            starts_at=at(timezone.localdate(), 7) + datetime.timedelta(minutes=i),
        )
    login(client, world.teacher)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("heritage:my_week")).status_code == 200


# ---------------------------------------------------------------- reports and exports


def take_roll(client, world, statuses):
    login(client, world.teacher)
    data = {f"status_{c.pk}": s for c, s in zip(world.children, statuses, strict=True)}
    client.post(reverse("heritage:roll_call", args=[world.session.pk]), data)


def test_report_shows_rates_and_a_chart(client, world):
    take_roll(client, world, ["present", "late", "excused", "absent", "absent"])
    response = client.get(reverse("heritage:reports"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "50.0%" in html
    assert "echarts.min.js" in html and "chart-data" in html
    by_child = client.get(reverse("heritage:reports") + "?by=child").content.decode()
    assert world.children[0].display_name in by_child


@pytest.mark.parametrize("query", ["by=nonsense", "season=abc", "craft=999999"])
def test_report_refuses_bad_filters(client, world, query):
    login(client, world.teacher)
    assert client.get(reverse("heritage:reports") + "?" + query).status_code == 400


def test_english_csv_has_the_agreed_columns(client, world):
    take_roll(client, world, ["present", "late", "excused", "absent", "present"])
    response = client.get("/en" + reverse("heritage:reports_export", args=["csv"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == [
        "date",
        "starts",
        "ends",
        "kindergarten",
        "class group",
        "craft",
        "lesson",
        "child",
        "status",
        "reason",
    ]
    assert len(rows) == 6
    assert rows[1][:7] == [
        timezone.localdate().isoformat(),
        "09:00",
        "09:40",
        "桃源幼儿园",
        "大一班",
        "蓝印扎染",
        "扎染初体验",
    ]
    assert sorted(r[8] for r in rows[1:]) == ["absent", "excused", "late", "present", "present"]


def test_chinese_csv_and_xlsx(client, world):
    take_roll(client, world, ["present"] * 5)
    zh = b"".join(
        client.get(reverse("heritage:reports_export", args=["csv"])).streaming_content
    ).decode("utf-8-sig")
    assert zh.splitlines()[0] == "日期,开始,结束,幼儿园,班级,技艺,课程,幼儿,状态,原因"
    assert "出勤" in zh.splitlines()[1]
    response = client.get("/en" + reverse("heritage:reports_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    values = list(sheet.values)
    assert values[0][0] == "date" and len(values) == 6 and values[1][8] == "present"
    assert client.get(reverse("heritage:reports_export", args=["pdf"])).status_code == 404


@pytest.mark.parametrize("extra", [0, 3])
def test_report_query_count_does_not_grow(
    client, world, warm_shell, extra, django_assert_max_num_queries
):
    for i in range(extra):
        s = SessionFactory(
            lesson=world.lesson,
            class_group=world.class_group,
            teacher=world.teacher,
            starts_at=at(timezone.localdate() - datetime.timedelta(days=i + 1), 9),
        )
        Attendance.objects.bulk_create(
            [Attendance(session=s, child=c, status="present") for c in world.children]
        )
    login(client, world.teacher)
    with django_assert_max_num_queries(22):
        assert client.get(reverse("heritage:reports") + "?by=child").status_code == 200


# ---------------------------------------------------------------- plan


def test_manager_generates_a_rotation_teacher_cannot(client, world):
    login(client, world.teacher)
    assert client.post(reverse("heritage:plan_generate"), {"confirm": "yes"}).status_code == 403
    login(client, world.manager)
    response = client.post(
        reverse("heritage:plan_generate"),
        {"season": world.season.pk, "sessions_per_round": 12, "confirm": "yes"},
    )
    # The world's only season has started: refused with a message, nothing saved.
    assert response.status_code == 400
    assert world.season.starts_on.isoformat() in response.content.decode()
    response = client.get(reverse("heritage:plan") + "?season=abc")
    assert response.status_code == 400 and "请从列表中选择一季" in response.content.decode()
    assert client.get(reverse("heritage:plan")).status_code == 200
