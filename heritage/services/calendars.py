"""Month and season views of a person's (or a kindergarten's) sessions, with the official
calendar's holidays and make-up working days (调休) on each day. Each view reads the sessions
of its range in one query and the calendar in two, however many days or sessions it shows."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from core.holidays import HOLIDAY, MAKEUP, calendar_between

from ..models import Session


@dataclass
class Day:
    date: datetime.date
    in_range: bool = True
    is_today: bool = False
    kind: str = ""  # "holiday", "makeup" or "" (a working day or a weekend)
    label: str = ""  # the holiday's name
    sessions: list = field(default_factory=list)

    @property
    def is_weekend(self):
        return self.date.weekday() >= 5


def _bounds(first, last):
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def sessions_between(rows, first, last):
    """The sessions of ``rows`` (a scoped queryset) from ``first`` to ``last``, one query."""
    start, end = _bounds(first, last)
    return list(
        rows.filter(starts_at__gte=start, starts_at__lt=end)
        .with_related()
        .order_by("starts_at", "pk")
    )


def days_between(rows, first, last, shown_first=None, shown_last=None):
    """Every day from ``shown_first`` to ``shown_last`` (default: the range itself), each with
    its sessions and its official kind; days outside ``first``..``last`` are marked so."""
    shown_first = shown_first or first
    shown_last = shown_last or last
    official = calendar_between(shown_first, shown_last)
    by_day = {}
    for session in sessions_between(rows, shown_first, shown_last):
        by_day.setdefault(timezone.localdate(session.starts_at), []).append(session)
    today = timezone.localdate()
    days, day = [], shown_first
    while day <= shown_last:
        kind, name = official.kind(day)
        days.append(
            Day(
                date=day,
                in_range=first <= day <= last,
                is_today=day == today,
                kind=kind if kind in (HOLIDAY, MAKEUP) else "",
                label=name if kind in (HOLIDAY, MAKEUP) and name else "",
                sessions=by_day.get(day, []),
            )
        )
        day += datetime.timedelta(days=1)
    return days, official.unknown_years(shown_first, shown_last)


def month_weeks(rows, year, month):
    """The month as weeks of seven days, Monday first (days of the neighbouring months are
    shown, marked outside the month)."""
    first = datetime.date(year, month, 1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    shown_first = first - datetime.timedelta(days=first.weekday())
    shown_last = last + datetime.timedelta(days=6 - last.weekday())
    days, unknown = days_between(rows, first, last, shown_first, shown_last)
    weeks = [days[i : i + 7] for i in range(0, len(days), 7)]
    count = sum(len(d.sessions) for d in days if d.in_range)
    return weeks, count, unknown


def season_weeks(rows, season):
    """The season week by week, Monday first: each week with its number, its days that hold a
    session, a holiday or a make-up day, and its session count."""
    first, last = season.starts_on, season.ends_on
    shown_first = first - datetime.timedelta(days=first.weekday())
    shown_last = last + datetime.timedelta(days=6 - last.weekday())
    days, unknown = days_between(rows, first, last, shown_first, shown_last)
    weeks = []
    for number, start in enumerate(range(0, len(days), 7), start=1):
        week = days[start : start + 7]
        weeks.append(
            {
                "number": number,
                "monday": week[0].date,
                "sunday": week[-1].date,
                "days": [d for d in week if d.in_range and (d.sessions or d.kind)],
                "count": sum(len(d.sessions) for d in week if d.in_range),
            }
        )
    return weeks, sum(w["count"] for w in weeks), unknown


def scoped_sessions(user, kindergarten=None):
    rows = Session.objects.for_user(user)
    if kindergarten is not None:
        rows = rows.filter(class_group__kindergarten=kindergarten)
    return rows
