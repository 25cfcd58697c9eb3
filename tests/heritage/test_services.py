"""The domain rules, called directly."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import ModelLogEntry

from core.refusals import Refused
from heritage.models import Attendance, PlanEntry, RollCall, Session
from heritage.services import reports, roll_call, rotation, scheduling, series
from heritage.services.matrix import coverage_matrix
from tests.factories import UserFactory
from tests.factories.heritage import (
    ChildFactory,
    ClassGroupFactory,
    KindergartenFactory,
    SeasonFactory,
    SessionFactory,
    at,
    make_craft,
)

pytestmark = pytest.mark.django_db
D = datetime.date


# ---------------------------------------------------------------- series and holidays


def test_weekly_series_skips_national_day_and_uses_its_make_up_days():
    # Wednesdays and Saturdays are chosen only where Saturday is a make-up working day.
    plan = series.expand_series(D(2025, 9, 22), D(2025, 10, 12), weekdays=[2])
    # 2025-10-01 and 10-08 are National Day holidays (Wednesdays): skipped...
    assert (D(2025, 10, 1), "国庆节") in plan.skipped
    assert D(2025, 10, 1) not in plan.dates and D(2025, 10, 8) not in plan.dates
    # ...and made up on the holiday's make-up working days, 09-28 (Sun) and 10-11 (Sat).
    assert plan.makeups == [D(2025, 9, 28), D(2025, 10, 11)]
    assert plan.dates == [D(2025, 9, 24), D(2025, 9, 28), D(2025, 10, 11)]


def test_series_every_two_weeks_on_two_weekdays():
    plan = series.expand_series(D(2025, 3, 3), D(2025, 3, 30), weekdays=[0, 3], interval_weeks=2)
    assert plan.dates == [D(2025, 3, 3), D(2025, 3, 6), D(2025, 3, 17), D(2025, 3, 20)]
    assert plan.skipped == [] and plan.makeups == []


def test_series_in_a_year_without_holiday_data_uses_weekdays_and_says_so():
    plan = series.expand_series(D(2030, 1, 7), D(2030, 1, 20), weekdays=[0, 5])
    assert plan.dates == [D(2030, 1, 7), D(2030, 1, 14)]  # Saturdays are rest days
    assert plan.unknown_years == {2030}


@pytest.mark.parametrize(
    ("until", "weekdays", "interval", "field"),
    [
        (D(2025, 1, 1), [0], 1, "until"),
        (D(2025, 3, 1), [], 1, "weekdays"),
        (D(2025, 3, 1), [0], 0, "interval_weeks"),
    ],
)
def test_series_refuses_bad_rules(until, weekdays, interval, field):
    with pytest.raises(Refused) as error:
        series.expand_series(D(2025, 2, 1), until, weekdays, interval)
    assert error.value.field == field


# ---------------------------------------------------------------- rotation


def _programme_with(site_tree, n_crafts, n_kgs):
    programme = site_tree.sections["heritage.ProgrammePage"]
    crafts = [make_craft(programme, title=f"技艺{i}", slug=f"c{i}") for i in range(n_crafts)]
    kgs = [KindergartenFactory() for _ in range(n_kgs)]
    return crafts, kgs


def test_rotation_meets_every_craft_and_never_doubles_a_craftsman(site_tree):
    crafts, kgs = _programme_with(site_tree, 11, 11)
    seasons = [
        SeasonFactory(
            starts_on=D(2024, 9, 1) + datetime.timedelta(days=210 * i),
            ends_on=D(2024, 9, 1) + datetime.timedelta(days=210 * i + 200),
            rounds=r,
        )
        for i, r in enumerate([3, 3, 3, 2])
    ]
    entries = rotation.generate_rotation(seasons, kgs, crafts)
    assert len(entries) == 11 * 11
    assert rotation.rotation_problems(entries) == []
    for kg in kgs:
        assert {e.craft_id for e in entries if e.kindergarten_id == kg.pk} == {c.pk for c in crafts}
    # Rounds split each season without gaps or overlaps.
    first_season = [
        e for e in entries if e.season_id == seasons[0].pk and e.kindergarten_id == kgs[0].pk
    ]
    assert first_season[0].starts_on == seasons[0].starts_on
    assert first_season[-1].ends_on == seasons[0].ends_on


def test_apply_rotation_replaces_the_plan(site_tree):
    _programme_with(site_tree, 3, 3)
    SeasonFactory(rounds=3)
    assert rotation.apply_rotation() == 9
    assert rotation.apply_rotation() == 9
    assert PlanEntry.objects.count() == 9


def test_rotation_refuses_too_few_rounds_or_too_many_kindergartens(site_tree):
    crafts, kgs = _programme_with(site_tree, 3, 4)
    season = SeasonFactory(rounds=3)
    with pytest.raises(Refused, match="同时出现在两个地方"):
        rotation.generate_rotation([season], kgs, crafts)
    short = SeasonFactory(rounds=2)
    with pytest.raises(Refused, match="少于"):
        rotation.generate_rotation([short], kgs[:3], crafts)


# ---------------------------------------------------------------- overlaps


def _request(world, day, start=(10, 0), end=(10, 40), **kwargs):
    values = {
        "lesson": world.lesson,
        "class_group": world.class_group,
        "craftsman": world.craftsman,
        "teacher": world.teacher,
        "day": day,
        "start_time": datetime.time(*start),
        "end_time": datetime.time(*end),
        "place": "大一班教室",
    }
    values.update(kwargs)
    return scheduling.ScheduleRequest(**values)


def test_overlap_with_the_same_craftsman_is_refused_naming_the_session(world):
    other_class = ClassGroupFactory(kindergarten=world.kg2, name="中二班")
    today = timezone.localdate()
    with pytest.raises(Refused) as error:
        scheduling.schedule_sessions(
            _request(world, today, (9, 20), (10, 0), class_group=other_class, place="别处"),
            world.teacher,
        )
    assert "扎染初体验" in error.value.message and "09:00" in error.value.message
    assert "同一位匠人" in error.value.message
    assert Session.objects.count() == 1


def test_overlap_with_the_same_class_or_place_is_refused(world):
    today = timezone.localdate()
    other_craftsman = UserFactory(role="craftsman")
    with pytest.raises(Refused, match="同一个班级"):
        scheduling.schedule_sessions(
            _request(world, today, (9, 30), (10, 30), craftsman=other_craftsman), world.teacher
        )
    other_class = ClassGroupFactory(kindergarten=world.kg, name="中一班")
    with pytest.raises(Refused, match="同一场地"):
        scheduling.schedule_sessions(
            _request(
                world,
                today,
                (9, 30),
                (10, 30),
                craftsman=other_craftsman,
                class_group=other_class,
                place=world.session.place,
            ),
            world.teacher,
        )
    # Back to back is fine, and a cancelled session does not block.
    scheduling.schedule_sessions(_request(world, today, (9, 40), (10, 20)), world.teacher)
    world.session.status = Session.Status.CANCELLED
    world.session.save()
    scheduling.schedule_sessions(_request(world, today, (9, 0), (9, 30)), world.teacher)


def test_series_is_refused_whole_when_one_occurrence_clashes(world):
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday()) + datetime.timedelta(days=7)
    request = _request(
        world,
        monday,
        (9, 0),
        (9, 40),
        repeat=True,
        weekdays=(0, 1, 2, 3, 4),
        until=monday + datetime.timedelta(days=30),
        confirm_unknown_years=True,  # the month ahead may reach a year not entered yet
    )
    SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group,
        teacher=world.teacher,
        starts_at=at(monday + datetime.timedelta(days=9), 9, 30),
    )
    with pytest.raises(Refused, match="时间冲突"):
        scheduling.schedule_sessions(request, world.teacher)
    assert Session.objects.filter(series__isnull=False).count() == 0


def test_series_over_200_occurrences_is_refused(world):
    start = D(2025, 1, 6)
    request = _request(world, start, repeat=True, weekdays=(0, 1, 2, 3, 4), until=D(2026, 1, 30))
    with pytest.raises(Refused, match="最多允许 200"):
        scheduling.schedule_sessions(request, world.teacher)


def test_end_before_start_is_refused(world):
    with pytest.raises(Refused) as error:
        scheduling.schedule_sessions(_request(world, D(2025, 3, 3), (10, 0), (9, 0)), world.teacher)
    assert error.value.field == "end_time"


# ---------------------------------------------------------------- roll call


def test_roll_call_saves_updates_and_audits(world):
    marks = {c.pk: ("present", "") for c in world.children}
    roll, created, _n = roll_call.save_roll_call(world.session, world.teacher, marks)
    assert created and roll.recorded_by == world.teacher
    assert Attendance.objects.filter(session=world.session).count() == 5
    marks[world.children[0].pk] = ("excused", "发烧")
    roll, created, changed = roll_call.save_roll_call(world.session, world.craftsman, marks)
    assert not created and changed == 1
    assert Attendance.objects.filter(session=world.session).count() == 5  # never duplicated
    assert RollCall.objects.get().updated_by == world.craftsman
    entry = ModelLogEntry.objects.filter(action="heritage.roll_call.edit").get()
    assert entry.user == world.craftsman
    assert entry.data["changed"] == {str(world.children[0].pk): "excused"}


@pytest.mark.parametrize("problem", ["cancelled", "stranger", "status", "future"])
def test_roll_call_refusals_save_nothing(world, problem):
    marks = {c.pk: ("present", "") for c in world.children}
    if problem == "cancelled":
        world.session.status = Session.Status.CANCELLED
    elif problem == "stranger":
        marks[ChildFactory(class_group=world.class_group2).pk] = ("present", "")
    elif problem == "status":
        marks[world.children[0].pk] = ("asleep", "")
    else:
        world.session.starts_at += datetime.timedelta(days=2)
        world.session.ends_at += datetime.timedelta(days=2)
    with pytest.raises(Refused):
        roll_call.save_roll_call(world.session, world.teacher, marks)
    assert not RollCall.objects.exists() and not Attendance.objects.exists()


@pytest.mark.parametrize("size", [5, 40])
def test_roll_call_saves_in_a_fixed_number_of_queries(world, size, django_assert_max_num_queries):
    ChildFactory.create_batch(size - 5, class_group=world.class_group)
    children = list(world.class_group.children.all())
    # A running site has looked up the log entries' content type once per process already.
    ContentType.objects.get_for_model(RollCall)
    with django_assert_max_num_queries(12):
        roll_call.save_roll_call(
            world.session, world.teacher, {c.pk: ("present", "") for c in children}
        )
    with django_assert_max_num_queries(14):
        roll_call.save_roll_call(
            world.session, world.teacher, {c.pk: ("late", "堵车") for c in children}
        )
    assert Attendance.objects.filter(status="late").count() == size


# ---------------------------------------------------------------- rates and matrix


def test_rates_leave_excused_out_and_group_in_the_database(world):
    statuses = ["present", "late", "excused", "absent", "absent"]
    roll_call.save_roll_call(
        world.session,
        world.teacher,
        {c.pk: (s, "") for c, s in zip(world.children, statuses, strict=True)},
    )
    rows = reports.rates_by(Attendance.objects.all(), "kindergarten")
    assert len(rows) == 1
    assert rows[0]["rate"] == pytest.approx(50.0)  # (1 + 1) / (1 + 1 + 2)
    assert rows[0]["excused"] == 1
    assert reports.labelled(rows[0], "kindergarten")["label"] == world.kg.name
    per_child = reports.rates_by(Attendance.objects.all(), "child")
    assert sorted(r["rate"] for r in per_child if r["rate"] is not None) == [0.0, 0.0, 100.0, 100.0]
    assert [r for r in per_child if r["rate"] is None][0]["excused"] == 1
    assert reports.overall_rate(Attendance.objects.all())["rate"] == pytest.approx(50.0)


def test_matrix_counts_held_sessions_per_cell(world):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    world.session.starts_at = at(yesterday, 9)
    world.session.ends_at = at(yesterday, 9, 40)
    world.session.save()
    SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group,
        teacher=world.teacher,
        starts_at=at(yesterday, 14),
        season=None,
    )
    SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group,
        teacher=world.teacher,
        starts_at=at(yesterday, 16),
        status=Session.Status.CANCELLED,
    )
    SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group,
        teacher=world.teacher,
        starts_at=at(timezone.localdate() + datetime.timedelta(days=3), 9),
    )
    PlanEntry.objects.create(
        season=world.season,
        round=1,
        starts_on=world.season.starts_on,
        ends_on=world.season.ends_on,
        kindergarten=world.kg,
        craft=world.craft,
        planned_sessions=12,
    )
    matrix = coverage_matrix(world.season)
    cell = (
        matrix["rows"][1]["cells"][0]
        if matrix["rows"][0]["kindergarten"] != world.kg
        else matrix["rows"][0]["cells"][0]
    )
    assert (cell["held"], cell["held_season"], cell["planned"], cell["planned_season"]) == (
        2,
        1,
        12,
        12,
    )
