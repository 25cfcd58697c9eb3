"""Attendance reports: rates grouped in the database, overall counts and the export rows.

The rate is (present + late) / (present + late + absent); excused absences are left out.
"""

from django.db.models import Count, F, FloatField, Q, Value
from django.db.models.functions import Cast, NullIf
from django.utils import timezone

from ..models import Attendance, Session


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


def rates_by(queryset, grouping):
    """Counts and rate per child, class group, kindergarten, craft or season (GROUPINGS), as a
    grouped, ordered queryset of dicts: paginated as it is, so only one page is computed."""
    fields = GROUPINGS[grouping]
    return with_rates(queryset.order_by().values(*fields)).order_by(fields[1])


def labelled(row, grouping):
    """A row of ``rates_by`` with its label (the group's name) and context (where it is)."""
    name, *context = [row[field] for field in GROUPINGS[grouping][1:]]
    return {
        **row,
        "label": str(name or "—"),
        "context": " · ".join(str(part) for part in reversed(context) if part),
    }


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
