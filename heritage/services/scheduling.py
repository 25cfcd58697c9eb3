"""Scheduling sessions (one or a series), moving and cancelling them, and a person's week."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Page

from core.cache import invalidate_pages
from core.holidays import HOLIDAY, calendar_between
from core.refusals import Refused

from ..models import ClassGroup, CraftPage, LessonPage, Season, Session, SessionSeries
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


@transaction.atomic
def move_session(session, day, start_time, end_time, place, reason, user):
    if session.is_cancelled:
        raise Refused(_("A cancelled session cannot be moved."))
    if end_time <= start_time:
        raise Refused(_("The session must end after it starts."), "end_time")
    if not reason.strip():
        raise Refused(_("Give a reason for the change."), "reason")
    slot = (_aware(day, start_time), _aware(day, end_time))
    clash = find_clash([slot], session.craftsman, session.class_group, place, [session.pk])
    if clash:
        refuse_clash(clash, session.craftsman, session.class_group, place)
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
        raise Refused(_("This session is already cancelled."))
    if not reason.strip():
        raise Refused(_("Give a reason for the cancellation."), "reason")
    session.status = Session.Status.CANCELLED
    session.change_reason = reason.strip()
    session.save(update_fields=["status", "change_reason", "updated_at"])
    log(
        instance=session,
        action="heritage.session.cancel",
        user=user,
        data={"reason": session.change_reason, "marks": session.attendance.count()},
    )
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
