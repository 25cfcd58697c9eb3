"""A pairing's progress: its competency map, hours over time and skills practised."""

import datetime
import math
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ..models import EntryCompetency, SkillTag


def competency_map(pairing):
    """Each competency of the pairing with its best rating: reached, in progress, not started."""
    competencies = pairing.competencies.annotate(
        best=Max("entry_ratings__rating", filter=_ratings_of(pairing))
    ).order_by("sort_order", "pk")
    groups = {"reached": [], "in_progress": [], "not_started": []}
    for competency in competencies:
        if competency.best == EntryCompetency.Rating.REACHED:
            groups["reached"].append(competency)
        elif competency.best:
            groups["in_progress"].append(competency)
        else:
            groups["not_started"].append(competency)
    return groups


def _ratings_of(pairing):
    return Q(entry_ratings__entry__pairing=pairing)


def _months(start, end):
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def hours_series(pairing):
    """Hours per month and the running total, from the start to now (aggregated in the DB)."""
    monthly = dict(
        pairing.entries.annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(hours=Sum("hours"))
        .values_list("month", "hours")
    )
    monthly = {
        (month.date() if isinstance(month, datetime.datetime) else month): hours
        for month, hours in monthly.items()
    }
    end = min(timezone.localdate(), max(pairing.planned_end, pairing.start))
    if monthly:
        end = max(end, max(monthly))
    labels, per_month, cumulative, total = [], [], [], Decimal("0")
    for month in _months(pairing.start, end):
        hours = monthly.get(month, Decimal("0"))
        total += hours
        labels.append(month.strftime("%Y-%m"))
        per_month.append(float(hours))
        cumulative.append(float(total))
    return {
        "labels": labels,
        "monthly": per_month,
        "cumulative": cumulative,
        "target": float(pairing.target_hours),
        "axis_max": axis_ceiling(max(float(pairing.target_hours), float(total))),
    }


def axis_ceiling(value):
    """A round top for a chart's axis at or above ``value`` (10 → 10, 120 → 150, 3.2 → 3.5),
    so that the target line is always inside the chart."""
    if value <= 0:
        return 1
    step = 10 ** math.floor(math.log10(value)) / 2
    return round(math.ceil(value / step) * step, 6)


def skills_series(pairing, limit=12):
    """How many sessions practised each skill (the most frequent first)."""
    rows = (
        SkillTag.objects.filter(content_object__pairing=pairing)
        .values("tag__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "tag__name")[:limit]
    )
    return {"labels": [row["tag__name"] for row in rows], "counts": [row["n"] for row in rows]}
