"""Scheduling sessions (one or a series), moving and cancelling them, and a person's week."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Page

from core.cache import invalidate_pages
from core.holidays import HOLIDAY, calendar_between
from core.refusals import Refused

from ..models import (
    ClassGroup,
    CraftPage,
    LessonPage,
    RollCall,
    Season,
    Session,
    SessionSeries,
)
from .clashes import describe_session, find_clash, find_clashes, refuse_clash
from .series import WEEKDAY_NAMES, expand_series

MAX_OCCURRENCES = 200


def season_for(day):
    return Season.objects.filter(starts_on__lte=day, ends_on__gte=day).first()


def craft_of(lesson):
    """The craft page a lesson sits under."""
    parent_path = lesson.path[: -Page.steplen]
    return CraftPage.objects.get(path=parent_path)


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
    # Scheduling into a year whose official holidays nobody has entered yet, knowingly.
    confirm_unknown_years: bool = False


@dataclass
class PreviewDate:
    """One date of a schedule as the teacher checks it before anything is saved."""

    day: datetime.date
    start: datetime.datetime
    end: datetime.datetime
    created: bool = True
    holiday: str = ""  # the statutory holiday the date falls on
    moved_from: datetime.date | None = None  # a make-up working day (调休) held instead
    past: bool = False
    clash: str = ""

    @property
    def weekday(self):
        return WEEKDAY_NAMES[self.day.weekday()]


@dataclass
class SchedulePreview:
    dates: list  # PreviewDate, the created and the skipped ones by date
    count: int
    series: bool

    @property
    def clashes(self):
        return [row for row in self.dates if row.clash]

    @property
    def needs_confirmation(self):
        """A series always; a single session on a holiday or in the past."""
        return self.series or any(row.past or row.holiday for row in self.dates)


def _plan(request):
    """The dates of a schedule, refused as ``schedule_sessions`` would refuse it (bar clashes).
    Returns (dates, SeriesPlan or None)."""
    if request.end_time <= request.start_time:
        raise Refused(_("The session must end after it starts."), "end_time")
    plan = None
    if request.repeat:
        if request.until is None:
            raise Refused(_("Give the last day of the series."), "until")
        plan = expand_series(request.day, request.until, request.weekdays, request.interval_weeks)
        if len(plan.dates) > MAX_OCCURRENCES:
            raise Refused(
                _("This series has %(n)d occurrences; at most %(max)d are allowed.")
                % {"n": len(plan.dates), "max": MAX_OCCURRENCES},
                "until",
            )
        if not plan.dates:
            raise Refused(_("This series has no class day."), "weekdays")
        dates = plan.dates
    else:
        dates = [request.day]
    unknown = calendar_between(dates[0], dates[-1]).unknown_years(dates[0], dates[-1])
    if unknown and not request.confirm_unknown_years:
        raise Refused(
            _(
                "The official holidays of %(years)s are not in the holiday table yet, so"
                " classes may fall on a holiday. Ask a manager to enter them, or confirm to"
                " schedule anyway."
            )
            % {"years": ", ".join(str(y) for y in sorted(unknown))},
            "confirm_unknown_years",
        )
    return dates, plan


def _slots(request, dates):
    return [(_aware(d, request.start_time), _aware(d, request.end_time)) for d in dates]


def preview_schedule(request):
    """What ``schedule_sessions`` would create, without saving: each date with its weekday,
    whether it is a make-up working day, in the past or clashing, and the holidays skipped.

    A single session that clashes is refused at once, as there is nothing to choose."""
    dates, plan = _plan(request)
    slots = _slots(request, dates)
    clashes = dict(find_clashes(slots, request.craftsman, request.class_group, request.place))
    if clashes and plan is None:
        refuse_clash(next(iter(clashes.items())), *_resources(request))
    calendar = calendar_between(dates[0], dates[-1])
    now = timezone.now()
    rows = []
    for day, (start, end) in zip(dates, slots, strict=True):
        kind, name = calendar.kind(day)
        clash = clashes.get((start, end))
        rows.append(
            PreviewDate(
                day=day,
                start=start,
                end=end,
                holiday=name if kind == HOLIDAY else "",
                moved_from=plan.moved_from.get(day) if plan else None,
                past=start < now,
                clash=describe_session(clash) if clash else "",
            )
        )
    for day, name in plan.skipped if plan else ():
        start, end = _slots(request, [day])[0]
        rows.append(PreviewDate(day=day, start=start, end=end, created=False, holiday=name))
    rows.sort(key=lambda row: row.day)
    return SchedulePreview(dates=rows, count=len(dates), series=plan is not None)


def _resources(request):
    return request.craftsman, request.class_group, request.place


@transaction.atomic
def schedule_sessions(request, user):
    """Create one session or a whole series. Refuses an end before the start, more than
    MAX_OCCURRENCES occurrences, and any overlap (naming the clashing session).
    Returns (sessions, SeriesPlan or None)."""
    dates, plan = _plan(request)
    slots = _slots(request, dates)
    clash = find_clash(slots, *_resources(request))
    if clash:
        refuse_clash(clash, *_resources(request))
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


THIS, FOLLOWING, SERIES = "this", "following", "series"


@dataclass
class SeriesChange:
    """The sessions a change of a series applies to, and the ones it keeps with why."""

    changed: list
    kept: list  # (session, why)


def sessions_in_scope(session, scope, user):
    """Only ``session``, or the sessions of its series from its date on (``following``) or
    all of them (``series``), that the user may change. A session already started or with a
    roll call is kept: its record stays as it was held."""
    if scope == THIS or not session.series_id:
        return SeriesChange(changed=[session], kept=[])
    rows = (
        Session.objects.editable_by(user)
        .active()
        .filter(series_id=session.series_id)
        .with_related()
        .annotate(has_roll_call=Exists(RollCall.objects.filter(session=OuterRef("pk"))))
        .order_by("starts_at", "pk")
    )
    if scope == FOLLOWING:
        rows = rows.filter(starts_at__gte=session.starts_at)
    now = timezone.now()
    change = SeriesChange(changed=[], kept=[])
    for row in rows:
        if row.has_roll_call:
            change.kept.append((row, _("the roll call is taken")))
        elif row.starts_at <= now:
            change.kept.append((row, _("already held")))
        else:
            change.changed.append(row)
    return change


def _nothing_to_change(change):
    if not change.changed:
        raise Refused(
            _(
                "Nothing to change: every session of the series from this date on has been"
                " held or has a roll call."
            )
        )


def _log_data(reason, scope, **extra):
    """What the history keeps of a change; the scope only when it reached past one session."""
    data = {"reason": reason, **extra}
    if scope != THIS:
        data["scope"] = scope
    return data


@transaction.atomic
def move_session(session, day, start_time, end_time, place, reason, user, lesson=None):
    if session.is_cancelled:
        raise Refused(_("A cancelled session cannot be moved."))
    return move_sessions(
        SeriesChange(changed=[session], kept=[]),
        session,
        day,
        start_time,
        end_time,
        place,
        reason,
        user,
        lesson=lesson,
        scope=THIS,
    )[0]


@transaction.atomic
def move_sessions(
    change, session, day, start_time, end_time, place, reason, user, lesson=None, scope=THIS
):
    """Move every session of ``change`` by as many days as ``session`` moves to ``day``, to
    the new times and place (and lesson). Refuses any overlap; nothing is saved then."""
    if end_time <= start_time:
        raise Refused(_("The session must end after it starts."), "end_time")
    if not reason.strip():
        raise Refused(_("Give a reason for the change."), "reason")
    _nothing_to_change(change)
    shift = day - timezone.localdate(session.starts_at)
    moves = []
    for row in change.changed:
        new_day = timezone.localdate(row.starts_at) + shift
        moves.append((row, new_day, (_aware(new_day, start_time), _aware(new_day, end_time))))
    first = change.changed[0]
    clash = find_clash(
        [slot for _row, _day, slot in moves],
        first.craftsman,
        first.class_group,
        place,
        [row.pk for row in change.changed],
    )
    if clash:
        refuse_clash(clash, first.craftsman, first.class_group, place)
    craft = craft_of(lesson) if lesson is not None else None
    for row, new_day, slot in moves:
        row.starts_at, row.ends_at = slot
        row.place = place.strip()
        if lesson is not None:
            row.lesson, row.craft = lesson, craft
        row.change_reason = reason.strip()
        row.season = season_for(new_day)
        row.reminded_at = None
        row.save()
        log(
            instance=row,
            action="heritage.session.move",
            user=user,
            data=_log_data(row.change_reason, scope),
        )
    invalidate_pages("heritage")
    return change.changed


@transaction.atomic
def cancel_session(session, reason, user):
    if session.is_cancelled:
        raise Refused(_("This session is already cancelled."))
    return cancel_sessions(SeriesChange(changed=[session], kept=[]), reason, user, THIS)[0]


@transaction.atomic
def cancel_sessions(change, reason, user, scope=THIS):
    if not reason.strip():
        raise Refused(_("Give a reason for the cancellation."), "reason")
    _nothing_to_change(change)
    for session in change.changed:
        session.status = Session.Status.CANCELLED
        session.change_reason = reason.strip()
        session.save(update_fields=["status", "change_reason", "updated_at"])
        log(
            instance=session,
            action="heritage.session.cancel",
            user=user,
            data=_log_data(session.change_reason, scope, marks=session.attendance.count()),
        )
    invalidate_pages("heritage")
    return change.changed


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
