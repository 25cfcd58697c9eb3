"""China's official calendar of working days, read from the managers' table (``CalendarDay``).

``calendar_between(first, last)`` reads the table once for a range of dates; its ``kind(day)``
then answers without a query. A year with no row in the table is one whose schedule nobody has
entered yet: its weekdays count as working days, and ``unknown_years`` names it.
"""

from dataclasses import dataclass, field

from django.db import transaction

from .models import CalendarDay

WORK, REST, HOLIDAY, MAKEUP = "work", "rest", "holiday", "makeup"


@dataclass
class OfficialCalendar:
    days: dict = field(default_factory=dict)  # date -> CalendarDay
    known_years: set = field(default_factory=set)

    def kind(self, day):
        """(kind, name): ("work", None), ("rest", None), ("holiday", name) or ("makeup", name).

        In a year without data the name is "unknown"."""
        row = self.days.get(day)
        if row is not None:
            return (
                (HOLIDAY, row.name) if row.kind == CalendarDay.Kind.HOLIDAY else (MAKEUP, row.name)
            )
        name = None if day.year in self.known_years else "unknown"
        return (WORK, name) if day.weekday() < 5 else (REST, name)

    def is_class_day(self, day):
        return self.kind(day)[0] in (WORK, MAKEUP)

    def unknown_years(self, first, last):
        return {year for year in range(first.year, last.year + 1) if year not in self.known_years}


def calendar_between(first, last):
    """The official calendar from ``first`` to ``last``, in two queries."""
    years = range(first.year, last.year + 1)
    known = {d.year for d in CalendarDay.objects.filter(date__year__in=years).dates("date", "year")}
    days = {row.date: row for row in CalendarDay.objects.filter(date__range=(first, last))}
    return OfficialCalendar(days=days, known_years=known)


def seed_from_package(using="default"):
    """Fill in the years the ``chinesecalendar`` package knows and the table does not have.

    Idempotent: a year with any row (entered or corrected by a manager) is left as it is."""
    import chinese_calendar
    from chinese_calendar.constants import Holiday

    chinese = {holiday.value: holiday.chinese for holiday in Holiday}
    package_years = {day.year for day in chinese_calendar.holidays}
    missing = package_years - {
        d.year for d in CalendarDay.objects.using(using).dates("date", "year")
    }
    rows = []
    for source, kind in (
        (chinese_calendar.holidays, CalendarDay.Kind.HOLIDAY),
        (chinese_calendar.workdays, CalendarDay.Kind.WORKDAY),
    ):
        for day, name in source.items():
            if day.year in missing:
                rows.append(CalendarDay(date=day, kind=kind, name=chinese.get(name, name)))
    with transaction.atomic(using=using):
        CalendarDay.objects.using(using).bulk_create(rows, ignore_conflicts=True)
    return len(rows)
