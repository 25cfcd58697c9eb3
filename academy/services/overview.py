"""The manager's overview across trades and studios: pairings active and stale, hours logged
this month, pairings completed this year. Every figure is an aggregate in the database: the
number of queries does not grow with the pairings, entries, trades or studios."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from ..models import LogEntry, Pairing, StudioPage, Trade
from ..models.pairings import STALE_AFTER_DAYS


@dataclass
class Line:
    """One trade's or studio's figures (``key`` None: pairings without a studio)."""

    key: int | None
    name: str = ""
    active: int = 0
    stale: int = 0
    hours_this_month: Decimal = Decimal("0")
    completed_this_year: int = 0

    @property
    def is_empty(self):
        return not (self.active or self.stale or self.hours_this_month or self.completed_this_year)


@dataclass
class Overview:
    today: datetime.date
    month_start: datetime.date
    year: int
    trades: list = field(default_factory=list)
    studios: list = field(default_factory=list)
    total: Line = field(default_factory=lambda: Line(None))


def _pairing_counts(group_by, today):
    """{group value: {"active", "stale", "completed_this_year"}} in one query."""
    cutoff = today - datetime.timedelta(days=STALE_AFTER_DAYS)
    recent = LogEntry.objects.filter(pairing=OuterRef("pk"), date__gte=cutoff)
    active = Q(status=Pairing.Status.ACTIVE)
    rows = (
        Pairing.objects.order_by()
        .values(group_by)
        .annotate(
            active=Count("pk", filter=active),
            stale=Count("pk", filter=active & Q(start__lte=cutoff) & ~Exists(recent)),
            completed_this_year=Count(
                "pk",
                filter=Q(status=Pairing.Status.COMPLETED, completed_on__year=today.year),
            ),
        )
    )
    return {row.pop(group_by): row for row in rows}


def _hours(group_by, month_start, today):
    """{group value: hours logged from ``month_start`` to ``today``} in one query."""
    rows = (
        LogEntry.objects.filter(date__gte=month_start, date__lte=today)
        .order_by()
        .values(f"pairing__{group_by}")
        .annotate(hours=Sum("hours"))
    )
    return {row[f"pairing__{group_by}"]: row["hours"] or Decimal("0") for row in rows}


def _lines(names, counts, hours):
    lines = []
    for key, name in names:
        line = Line(key, name, hours_this_month=hours.get(key, Decimal("0")))
        for attribute, value in counts.get(key, {}).items():
            setattr(line, attribute, value)
        lines.append(line)
    return lines


def overview(today=None):
    """Every trade and every studio with pairings (and those without a studio), with totals."""
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    result = Overview(today=today, month_start=month_start, year=today.year)
    trade_counts = _pairing_counts("trade", today)
    trade_hours = _hours("trade", month_start, today)
    result.trades = _lines(
        Trade.objects.order_by("name").values_list("pk", "name"), trade_counts, trade_hours
    )
    studio_counts = _pairing_counts("studio", today)
    studio_hours = _hours("studio", month_start, today)
    studio_ids = (set(studio_counts) | set(studio_hours)) - {None}
    studios = StudioPage.objects.filter(pk__in=studio_ids).order_by("title")
    result.studios = _lines(
        list(studios.values_list("pk", "title")) + [(None, "")], studio_counts, studio_hours
    )
    result.studios = [line for line in result.studios if line.key or not line.is_empty]
    for attribute in ("active", "stale", "hours_this_month", "completed_this_year"):
        setattr(result.total, attribute, sum(getattr(line, attribute) for line in result.trades))
    return result
