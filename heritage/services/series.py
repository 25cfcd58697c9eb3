"""Class days on China's official calendar (the managers' holiday table, ``core.holidays``),
and repeating series that skip its statutory holidays and use its make-up working days (调休)."""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.holidays import HOLIDAY, MAKEUP, REST, WORK, calendar_between
from core.refusals import Refused

# 0 = Monday, as ``datetime.date.weekday()`` counts.
WEEKDAY_NAMES = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)


@dataclass
class SeriesPlan:
    dates: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (date, holiday name)
    makeups: list = field(default_factory=list)  # make-up working days used
    moved_from: dict = field(default_factory=dict)  # make-up day -> the holiday date it replaces
    unknown_years: set = field(default_factory=set)


# A holiday break lasts at most nine days, and its make-up working days (调休) lie within two
# weeks of it: a make-up day further away belongs to another break.
BREAK_REACH = datetime.timedelta(days=10)
MAKEUP_REACH = 14


def _break_names(calendar, day):
    """The names of the holidays in the break ``day`` is in: the run of days off around it.

    One break can carry two names (2025: 国庆节 with 中秋 on 10-06) while its make-up days
    carry one; a day lost to either is made up on the break's make-up days."""
    names = set()
    for step in (-1, 1):
        current = day
        for _i in range(BREAK_REACH.days):
            kind, name = calendar.kind(current)
            if kind not in (HOLIDAY, REST):
                break
            if kind == HOLIDAY:
                names.add(name)
            current += datetime.timedelta(days=step)
    return names


def expand_series(first_day, until, weekdays, interval_weeks=1):
    """The dates of a repeating series.

    Every ``interval_weeks`` weeks (counted from the week of ``first_day``), on each chosen
    weekday (0 = Monday) up to ``until``. A date on a statutory holiday is skipped; each
    skipped date is made up on a make-up working day (调休) of the same holiday break that
    falls inside the series' range, when there is one: the one nearest the skipped date, so a
    class lost in a holiday week is held on that week's official make-up day.
    """
    if until < first_day:
        raise Refused(_("The series must end on or after its first day."), "until")
    if interval_weeks < 1:
        raise Refused(_("Repeat at least every week."), "interval_weeks")
    weekdays = sorted(set(weekdays))
    if not weekdays:
        raise Refused(_("Choose at least one weekday."), "weekdays")
    plan = SeriesPlan()
    # Read a little around the series, so a holiday break at its edge is seen whole.
    calendar = calendar_between(first_day - BREAK_REACH, until + BREAK_REACH)
    plan.unknown_years = calendar.unknown_years(first_day, until)
    week0 = first_day - datetime.timedelta(days=first_day.weekday())
    lost = []
    makeup_days = []
    day = first_day
    # A hard bound on the loop: a series longer than this is refused anyway.
    if (until - first_day).days > 366 * 3:
        raise Refused(_("A series can last at most three years."), "until")
    while day <= until:
        kind, name = calendar.kind(day)
        if kind == MAKEUP:
            makeup_days.append((day, name))
        in_week = ((day - week0).days // 7) % interval_weeks == 0
        if in_week and day.weekday() in weekdays:
            if kind in (WORK, MAKEUP):
                plan.dates.append(day)
            elif kind == HOLIDAY:
                plan.skipped.append((day, name))
                lost.append((day, name))
        day += datetime.timedelta(days=1)
    free = {d: name for d, name in makeup_days if d not in plan.dates}
    for skipped, _name in lost:
        names = _break_names(calendar, skipped)
        same_break = [
            d for d, n in free.items() if n in names and abs((d - skipped).days) <= MAKEUP_REACH
        ]
        if not same_break:
            continue
        makeup = min(same_break, key=lambda d: (abs((d - skipped).days), d))
        del free[makeup]
        plan.dates.append(makeup)
        plan.makeups.append(makeup)
        plan.moved_from[makeup] = skipped
    plan.dates.sort()
    plan.makeups.sort()
    return plan
