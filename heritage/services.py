"""Domain rules of the heritage programme, as plain functions.

Rotation of crafts over kindergartens, repeating series that skip China's statutory holidays
and use its make-up working days, the overlap check, roll calls, attendance rates and the
coverage matrix.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import chinese_calendar
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.db.models import Count, F, FloatField, Q, Sum, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Page

from core.cache import invalidate_pages

from .models import (
    Attendance,
    ClassGroup,
    CraftPage,
    Kindergarten,
    LessonPage,
    PlanEntry,
    RollCall,
    Season,
    Session,
    SessionSeries,
)

MAX_OCCURRENCES = 200


class ServiceError(Exception):
    """A refused action, with the form field it belongs to (or None) and a message."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


# ---------------------------------------------------------------- calendar


def day_kind(day):
    """("work", None), ("holiday", name), ("rest", None) or ("makeup", name) for a date.

    Uses the chinese_calendar package; for years it has no data for, Monday to Friday are
    working days and nothing else is known ("unknown" is returned as the name).
    """
    try:
        holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return ("work", "unknown") if day.weekday() < 5 else ("rest", "unknown")
    if holiday:
        return ("holiday", name) if name else ("rest", None)
    if day.weekday() >= 5:
        return ("makeup", name)
    return ("work", None)


def is_class_day(day):
    return day_kind(day)[0] in ("work", "makeup")


@dataclass
class SeriesPlan:
    dates: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (date, holiday name)
    makeups: list = field(default_factory=list)  # make-up working days used
    unknown_years: set = field(default_factory=set)


def expand_series(first_day, until, weekdays, interval_weeks=1):
    """The dates of a repeating series.

    Every ``interval_weeks`` weeks (counted from the week of ``first_day``), on each chosen
    weekday (0 = Monday) up to ``until``. A date on a statutory holiday is skipped; each
    skipped date is made up on a make-up working day (调休) of the same holiday that falls
    inside the series' range, when there is one.
    """
    if until < first_day:
        raise ServiceError(_("The series must end on or after its first day."), "until")
    if interval_weeks < 1:
        raise ServiceError(_("Repeat at least every week."), "interval_weeks")
    weekdays = sorted(set(weekdays))
    if not weekdays:
        raise ServiceError(_("Choose at least one weekday."), "weekdays")
    plan = SeriesPlan()
    week0 = first_day - datetime.timedelta(days=first_day.weekday())
    lost = Counter()
    makeup_days = []
    day = first_day
    # A hard bound on the loop: a series longer than this is refused anyway.
    if (until - first_day).days > 366 * 3:
        raise ServiceError(_("A series can last at most three years."), "until")
    while day <= until:
        kind, name = day_kind(day)
        if name == "unknown":
            plan.unknown_years.add(day.year)
        if kind == "makeup":
            makeup_days.append((day, name))
        in_week = ((day - week0).days // 7) % interval_weeks == 0
        if in_week and day.weekday() in weekdays:
            if kind in ("work", "makeup"):
                plan.dates.append(day)
            elif kind == "holiday":
                plan.skipped.append((day, name))
                lost[(name, day.year)] += 1
        day += datetime.timedelta(days=1)
    for makeup, name in makeup_days:
        key = (name, makeup.year)
        if lost[key] > 0 and makeup not in plan.dates:
            lost[key] -= 1
            plan.dates.append(makeup)
            plan.makeups.append(makeup)
    plan.dates.sort()
    return plan


# ---------------------------------------------------------------- seasons and rotation


def split_range(starts_on, ends_on, parts):
    """``parts`` consecutive date ranges covering starts_on..ends_on."""
    total = (ends_on - starts_on).days + 1
    ranges = []
    for index in range(parts):
        first = starts_on + datetime.timedelta(days=total * index // parts)
        last = starts_on + datetime.timedelta(days=total * (index + 1) // parts - 1)
        ranges.append((first, last))
    return ranges


def generate_rotation(seasons, kindergartens, crafts, sessions_per_round=12):
    """Unsaved plan entries in which every kindergarten meets every craft once over the plan
    and no craft (so no craftsman) is in two kindergartens in the same round.

    Round r (counted over the whole plan) gives kindergarten k the craft (k + r) mod n: a
    Latin square, so each round is a one-to-one pairing.
    """
    seasons, kindergartens, crafts = list(seasons), list(kindergartens), list(crafts)
    if not crafts or not kindergartens or not seasons:
        raise ServiceError(_("The rotation needs seasons, kindergartens and crafts."))
    if len(kindergartens) > len(crafts):
        raise ServiceError(
            _(
                "There are more kindergartens (%(k)d) than crafts (%(c)d): a craftsman would "
                "be in two places at once."
            )
            % {"k": len(kindergartens), "c": len(crafts)}
        )
    total_rounds = sum(season.rounds for season in seasons)
    if total_rounds < len(crafts):
        raise ServiceError(
            _(
                "The seasons have %(r)d rounds in all, fewer than the %(c)d crafts: not every "
                "kindergarten could meet every craft."
            )
            % {"r": total_rounds, "c": len(crafts)}
        )
    entries = []
    global_round = 0
    for season in seasons:
        for number, (first, last) in enumerate(
            split_range(season.starts_on, season.ends_on, season.rounds), start=1
        ):
            for k_index, kindergarten in enumerate(kindergartens):
                craft = crafts[(k_index + global_round) % len(crafts)]
                entries.append(
                    PlanEntry(
                        season=season,
                        round=number,
                        starts_on=first,
                        ends_on=last,
                        kindergarten=kindergarten,
                        craft=craft,
                        craftsman_id=craft.craftsman_id,
                        planned_sessions=sessions_per_round,
                    )
                )
            global_round += 1
    return entries


def rotation_problems(entries):
    """What is wrong with a plan: pairs never met, a craftsman in two places at once."""
    problems = []
    met = {(e.kindergarten_id, e.craft_id) for e in entries}
    kindergartens = {e.kindergarten_id for e in entries}
    crafts = {e.craft_id for e in entries}
    missing = len(kindergartens) * len(crafts) - len(met)
    if missing:
        problems.append(f"{missing} kindergarten–craft pairs never meet")
    busy = Counter(
        (e.craftsman_id, e.season_id, e.round) for e in entries if e.craftsman_id is not None
    )
    problems += [f"craftsman {key[0]} twice in a round" for key, n in busy.items() if n > 1]
    return problems


@transaction.atomic
def apply_rotation(seasons=None, sessions_per_round=12):
    """Replace the curriculum plan of the seasons with a fresh rotation. Returns the count."""
    seasons = list(seasons if seasons is not None else Season.objects.order_by("starts_on"))
    kindergartens = list(Kindergarten.objects.order_by("name"))
    crafts = list(CraftPage.objects.live().order_by("path"))
    entries = generate_rotation(seasons, kindergartens, crafts, sessions_per_round)
    PlanEntry.objects.filter(season__in=seasons).delete()
    PlanEntry.objects.bulk_create(entries)
    invalidate_pages("heritage")
    return len(entries)


def season_for(day):
    return Season.objects.filter(starts_on__lte=day, ends_on__gte=day).first()


# ---------------------------------------------------------------- scheduling


def craft_of(lesson):
    """The craft page a lesson sits under."""
    parent_path = lesson.path[: -Page.steplen]
    return CraftPage.objects.get(path=parent_path)


def _clash_reason(clash, craftsman, class_group, place):
    if clash.craftsman_id == craftsman.pk:
        return _("the same craftsman")
    if clash.class_group_id == class_group.pk:
        return _("the same class group")
    return _("the same place")


def describe_session(session):
    local = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    return _("%(date)s %(start)s–%(end)s, %(class)s, %(lesson)s (%(place)s)") % {
        "date": date_format(local.date(), "SHORT_DATE_FORMAT"),
        "start": local.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "class": str(session.class_group),
        "lesson": session.lesson.title,
        "place": session.place,
    }


def find_clash(slots, craftsman, class_group, place, exclude_ids=()):
    """The first existing active session that overlaps one of ``slots`` ([(start, end)])
    and shares the craftsman, the class group or the place (in the same kindergarten).

    One query for the whole span of the slots; the overlap is then checked per slot.
    Returns (slot, session) or None.
    """
    if not slots:
        return None
    span_start = min(start for start, _end in slots)
    span_end = max(end for _start, end in slots)
    resource = Q(craftsman=craftsman) | Q(class_group=class_group)
    if place:
        resource |= Q(
            place__iexact=place.strip(), class_group__kindergarten_id=class_group.kindergarten_id
        )
    candidates = list(
        Session.objects.active()
        .filter(resource, starts_at__lt=span_end, ends_at__gt=span_start)
        .exclude(pk__in=list(exclude_ids))
        .select_related("lesson", "class_group__kindergarten")
        .order_by("starts_at")
    )
    for start, end in sorted(slots):
        for session in candidates:
            if session.starts_at < end and session.ends_at > start:
                return (start, end), session
    return None


def _refuse_clash(clash, craftsman, class_group, place):
    _slot, session = clash
    raise ServiceError(
        _("Refused: this overlaps %(session)s, which has %(reason)s.")
        % {
            "session": describe_session(session),
            "reason": _clash_reason(session, craftsman, class_group, place),
        }
    )


def _aware(day, time):
    return timezone.make_aware(datetime.datetime.combine(day, time))


@dataclass
class ScheduleRequest:
    lesson: LessonPage
    class_group: ClassGroup
    craftsman: object
    teacher: object
    day: datetime.date
    start_time: datetime.time
    end_time: datetime.time
    place: str
    repeat: bool = False
    weekdays: tuple = ()
    interval_weeks: int = 1
    until: datetime.date | None = None


@transaction.atomic
def schedule_sessions(request, user):
    """Create one session or a whole series. Refuses an end before the start, more than
    MAX_OCCURRENCES occurrences, and any overlap (naming the clashing session).
    Returns (sessions, SeriesPlan or None)."""
    if request.end_time <= request.start_time:
        raise ServiceError(_("The session must end after it starts."), "end_time")
    plan = None
    if request.repeat:
        if request.until is None:
            raise ServiceError(_("Give the last day of the series."), "until")
        plan = expand_series(request.day, request.until, request.weekdays, request.interval_weeks)
        if len(plan.dates) > MAX_OCCURRENCES:
            raise ServiceError(
                _("This series has %(n)d occurrences; at most %(max)d are allowed.")
                % {"n": len(plan.dates), "max": MAX_OCCURRENCES},
                "until",
            )
        if not plan.dates:
            raise ServiceError(_("This series has no class day."), "weekdays")
        dates = plan.dates
    else:
        dates = [request.day]
    slots = [(_aware(d, request.start_time), _aware(d, request.end_time)) for d in dates]
    clash = find_clash(slots, request.craftsman, request.class_group, request.place)
    if clash:
        _refuse_clash(clash, request.craftsman, request.class_group, request.place)
    craft = craft_of(request.lesson)
    series = None
    if request.repeat:
        series = SessionSeries.objects.create(
            weekdays=",".join(str(d) for d in sorted(set(request.weekdays))),
            interval_weeks=request.interval_weeks,
            starts_on=request.day,
            until=request.until,
            created_by=user,
        )
    seasons = list(Season.objects.filter(starts_on__lte=dates[-1], ends_on__gte=dates[0]))
    sessions = [
        Session(
            lesson=request.lesson,
            craft=craft,
            class_group=request.class_group,
            craftsman=request.craftsman,
            teacher=request.teacher,
            starts_at=start,
            ends_at=end,
            place=request.place.strip(),
            series=series,
            season=next((s for s in seasons if s.starts_on <= start.date() <= s.ends_on), None),
        )
        for start, end in slots
    ]
    Session.objects.bulk_create(sessions)
    invalidate_pages("heritage")
    return sessions, plan


@transaction.atomic
def move_session(session, day, start_time, end_time, place, reason, user):
    if session.is_cancelled:
        raise ServiceError(_("A cancelled session cannot be moved."))
    if end_time <= start_time:
        raise ServiceError(_("The session must end after it starts."), "end_time")
    if not reason.strip():
        raise ServiceError(_("Give a reason for the change."), "reason")
    slot = (_aware(day, start_time), _aware(day, end_time))
    clash = find_clash([slot], session.craftsman, session.class_group, place, [session.pk])
    if clash:
        _refuse_clash(clash, session.craftsman, session.class_group, place)
    session.starts_at, session.ends_at = slot
    session.place = place.strip()
    session.change_reason = reason.strip()
    session.season = season_for(day)
    session.reminded_at = None
    session.save()
    log(instance=session, action="heritage.session.move", user=user)
    invalidate_pages("heritage")
    return session


@transaction.atomic
def cancel_session(session, reason, user):
    if session.is_cancelled:
        raise ServiceError(_("This session is already cancelled."))
    if not reason.strip():
        raise ServiceError(_("Give a reason for the cancellation."), "reason")
    session.status = Session.Status.CANCELLED
    session.change_reason = reason.strip()
    session.save(update_fields=["status", "change_reason", "updated_at"])
    log(instance=session, action="heritage.session.cancel", user=user)
    invalidate_pages("heritage")
    return session


def week_bounds(day):
    monday = day - datetime.timedelta(days=day.weekday())
    start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))
    return monday, start, start + datetime.timedelta(days=7)


def week_sessions(user, day):
    """A user's sessions in the week of ``day`` (Monday to Sunday), in one query."""
    _monday, start, end = week_bounds(day)
    return list(
        Session.objects.for_user(user)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .with_related()
        .order_by("starts_at", "pk")
    )


# ---------------------------------------------------------------- roll call


def roll_call_children(session):
    day = timezone.localdate(session.starts_at)
    return list(session.class_group.children.active_on(day).order_by("display_name", "pk"))


@transaction.atomic
def save_roll_call(session, user, marks):
    """Save a whole roll call in a bounded number of queries.

    ``marks`` maps a child id to (status, reason). Saving again updates the marks, never
    duplicates them; who recorded it first and who changed it last are kept, and a later
    change is written to Wagtail's log. Refuses a cancelled session, a future session,
    a child not in the session's class group and a status outside the four.
    """
    if session.is_cancelled:
        raise ServiceError(_("This session was cancelled: there is no roll to take."))
    if timezone.localdate(session.starts_at) > timezone.localdate():
        raise ServiceError(_("The roll can be taken from the day of the session on."))
    valid = {choice for choice, _label in Attendance.Status.choices}
    children = {child.pk: child for child in roll_call_children(session)}
    for child_id, (status, reason) in marks.items():
        if "\x00" in (reason or ""):  # PostgreSQL refuses NUL bytes in text
            raise ServiceError(ProhibitNullCharactersValidator.message)
        if child_id not in children:
            raise ServiceError(
                _("Child %(id)s is not in the class group %(class)s.")
                % {"id": child_id, "class": session.class_group.name}
            )
        if status not in valid:
            raise ServiceError(
                _("“%(status)s” is not one of present, late, excused or absent.")
                % {"status": status}
            )
    if not marks:
        raise ServiceError(_("Mark at least one child."))
    now = timezone.now()
    roll_call, created = RollCall.objects.get_or_create(
        session=session, defaults={"recorded_by": user, "recorded_at": now}
    )
    existing = {a.child_id: a for a in Attendance.objects.filter(session=session)}
    new, changed = [], []
    for child_id, (status, reason) in marks.items():
        reason = (reason or "").strip()[:200]
        current = existing.get(child_id)
        if current is None:
            new.append(Attendance(session=session, child_id=child_id, status=status, reason=reason))
        elif (current.status, current.reason) != (status, reason):
            current.status, current.reason = status, reason
            changed.append(current)
    Attendance.objects.bulk_create(new)
    if changed:
        Attendance.objects.bulk_update(changed, ["status", "reason"])
    if not created:
        roll_call.updated_by, roll_call.updated_at = user, now
        roll_call.save(update_fields=["updated_by", "updated_at"])
        if new or changed:
            log(
                instance=roll_call,
                action="heritage.roll_call.edit",
                user=user,
                data={
                    "changed": {str(a.child_id): a.status for a in changed},
                    "added": {str(a.child_id): a.status for a in new},
                },
            )
    else:
        log(instance=roll_call, action="heritage.roll_call.take", user=user)
    return roll_call, created, len(new) + len(changed)


# ---------------------------------------------------------------- reports


def _count(status):
    return Count("pk", filter=Q(status=status))


def with_rates(queryset):
    """Annotate grouped attendance with its counts and the rate:
    (present + late) / (present + late + absent), excused left out; None when no one counts."""
    queryset = queryset.annotate(
        present=_count(Attendance.Status.PRESENT),
        late=_count(Attendance.Status.LATE),
        excused=_count(Attendance.Status.EXCUSED),
        absent=_count(Attendance.Status.ABSENT),
    )
    attended = F("present") + F("late")
    return queryset.annotate(
        rate=Cast(attended, FloatField())
        * Value(100.0)
        / NullIf(Cast(attended + F("absent"), FloatField()), Value(0.0))
    )


GROUPINGS = {
    "child": (
        "child_id",
        "child__display_name",
        "child__class_group__name",
        "child__class_group__kindergarten__short_name",
    ),
    "class_group": (
        "session__class_group_id",
        "session__class_group__name",
        "session__class_group__kindergarten__short_name",
    ),
    "kindergarten": (
        "session__class_group__kindergarten_id",
        "session__class_group__kindergarten__name",
    ),
    "craft": ("session__craft_id", "session__craft__title"),
    "season": ("session__season_id", "session__season__name"),
}


def attendance_in_scope(user):
    return Attendance.objects.filter(session__in=Session.objects.for_user(user))


def filter_attendance(queryset, filters):
    """Apply validated report filters (season, kindergarten, craft, class_group)."""
    if filters.get("season"):
        queryset = queryset.filter(session__season=filters["season"])
    if filters.get("kindergarten"):
        queryset = queryset.filter(session__class_group__kindergarten=filters["kindergarten"])
    if filters.get("craft"):
        queryset = queryset.filter(session__craft=filters["craft"])
    if filters.get("class_group"):
        queryset = queryset.filter(session__class_group=filters["class_group"])
    return queryset


def attendance_rates(queryset, grouping):
    """Rows of a report grouped by child, class group, kindergarten, craft or season."""
    fields = GROUPINGS[grouping]
    rows = with_rates(queryset.order_by().values(*fields)).order_by(*fields[1:2])
    result = []
    for row in rows:
        label_parts = [row[f] for f in fields[1:]]
        label = " · ".join(str(p) for p in reversed(label_parts) if p) or "—"
        result.append({**row, "key": row[fields[0]], "label": label})
    return result


def rate_of(present, late, absent):
    counted = present + late + absent
    return (present + late) * 100.0 / counted if counted else None


def overall_rate(queryset):
    """Counts and rate of a whole (filtered) attendance set, in one aggregate query."""
    totals = queryset.order_by().aggregate(
        present=_count(Attendance.Status.PRESENT),
        late=_count(Attendance.Status.LATE),
        excused=_count(Attendance.Status.EXCUSED),
        absent=_count(Attendance.Status.ABSENT),
    )
    return {**totals, "rate": rate_of(totals["present"], totals["late"], totals["absent"])}


EXPORT_FIELDS = ("date", "kindergarten", "class_group", "craft", "lesson", "child", "status")


def export_rows(queryset):
    """Attendance rows for CSV/XLSX, as tuples in EXPORT_FIELDS order, in one query."""
    rows = queryset.order_by("session__starts_at", "session_id", "child__display_name").values_list(
        "session__starts_at",
        "session__class_group__kindergarten__name",
        "session__class_group__name",
        "session__craft__title",
        "session__lesson__title",
        "child__display_name",
        "status",
    )
    for starts_at, *rest in rows.iterator(chunk_size=2000):
        yield (timezone.localdate(starts_at), *rest)


# ---------------------------------------------------------------- the matrix


def coverage_matrix(season=None, kindergartens=None):
    """Crafts × kindergartens: planned and held sessions per cell, in three queries.

    Held: active sessions that have ended. With ``season``, the counts of that season
    ("season") sit beside the counts of the whole plan ("total").
    """
    crafts = list(
        CraftPage.objects.live().order_by("path").only("id", "title", "short_name", "url_path")
    )
    kg_qs = kindergartens if kindergartens is not None else Kindergarten.objects.all()
    kgs = list(kg_qs.order_by("name").only("id", "name", "short_name"))
    now = timezone.now()
    held_filter = Q(status=Session.Status.SCHEDULED, ends_at__lte=now)
    kg_ids = [k.pk for k in kgs]
    held = (
        Session.objects.filter(held_filter, class_group__kindergarten__in=kg_ids)
        .order_by()
        .values("class_group__kindergarten_id", "craft_id")
        .annotate(
            n_total=Count("pk"),
            n_season=Count("pk", filter=Q(season=season)) if season else Value(0),
        )
    )
    planned = (
        PlanEntry.objects.filter(kindergarten__in=kg_ids)
        .order_by()
        .values("kindergarten_id", "craft_id")
        .annotate(
            n_total=Coalesce(Sum("planned_sessions"), 0),
            n_season=Coalesce(Sum("planned_sessions", filter=Q(season=season)), 0)
            if season
            else Value(0),
        )
    )
    held_map = {(r["class_group__kindergarten_id"], r["craft_id"]): r for r in held}
    plan_map = {(r["kindergarten_id"], r["craft_id"]): r for r in planned}
    empty = {"n_total": 0, "n_season": 0}
    rows = []
    craft_totals = defaultdict(lambda: {"held": 0, "planned": 0})
    for kg in kgs:
        cells = []
        for craft in crafts:
            h = held_map.get((kg.pk, craft.pk), empty)
            p = plan_map.get((kg.pk, craft.pk), empty)
            cell = {
                "craft": craft,
                "held": h["n_total"],
                "held_season": h["n_season"],
                "planned": p["n_total"],
                "planned_season": p["n_season"],
            }
            craft_totals[craft.pk]["held"] += h["n_total"]
            craft_totals[craft.pk]["planned"] += p["n_total"]
            cells.append(cell)
        rows.append(
            {
                "kindergarten": kg,
                "cells": cells,
                "held": sum(c["held"] for c in cells),
                "planned": sum(c["planned"] for c in cells),
            }
        )
    return {
        "crafts": crafts,
        "rows": rows,
        "craft_totals": [craft_totals[c.pk] for c in crafts],
        "season": season,
    }


def programme_overview(page):
    """The public programme page's data: seasons, crafts, kindergartens, the matrix."""
    season = Season.current()
    crafts = list(
        CraftPage.objects.child_of(page)
        .live()
        .public()
        .select_related("craftsman", "base_kindergarten")
        .order_by("path")
    )
    return {
        "seasons": list(Season.objects.all()),
        "current_season": season,
        "crafts": crafts,
        "kindergartens": list(
            Kindergarten.objects.prefetch_related("craft_bases").order_by("name")
        ),
        "matrix": coverage_matrix(season),
    }


def missing_roll_calls(since, until):
    """Active sessions that ended in [since, until) without a roll call."""
    return (
        Session.objects.active()
        .filter(ends_at__gte=since, ends_at__lt=until, roll_call__isnull=True)
        .with_related()
        .order_by("starts_at")
    )
