"""Attendance reports: rates grouped in the database, overall counts and the export rows.

The rate is (present + late) / (present + late + absent); excused absences are left out.
"""

from decimal import ROUND_HALF_UP, Decimal

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
    """The marks a user's reports count: of sessions in their scope that are not cancelled
    (a cancelled session's roll call stays stored but leaves the rates)."""
    return Attendance.objects.filter(session__in=Session.objects.for_user(user).active())


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


# The raw rows export: one row per child and session (see ``export_rows``).
EXPORT_FIELDS = (
    "date",
    "starts",
    "ends",
    "kindergarten",
    "class_group",
    "craft",
    "lesson",
    "child",
    "status",
    "reason",
)


def export_rows(queryset, statuses=None):
    """Attendance rows for CSV/XLSX, as tuples in EXPORT_FIELDS order, streamed from one
    query in chunks: the session's local date, start and end time, where, what, who, the
    status (through ``statuses``, e.g. translated labels) and the reason (None when blank)."""
    statuses = statuses or {}
    rows = queryset.order_by("session__starts_at", "session_id", "child__display_name").values_list(
        "session__starts_at",
        "session__ends_at",
        "session__class_group__kindergarten__name",
        "session__class_group__name",
        "session__craft__title",
        "session__lesson__title",
        "child__display_name",
        "status",
        "reason",
    )
    zone = timezone.get_current_timezone()
    for (
        starts_at,
        ends_at,
        kindergarten,
        group,
        craft,
        lesson,
        child,
        status,
        reason,
    ) in rows.iterator(chunk_size=2000):
        starts_at = starts_at.astimezone(zone)
        yield (
            starts_at.date(),
            starts_at.time(),
            ends_at.astimezone(zone).time(),
            kindergarten,
            group,
            craft,
            lesson,
            child,
            statuses.get(status, status),
            reason or None,
        )


# The summary export: the group's names (as ``labelled`` shows them), then its counts.
SUMMARY_COUNTS = ("rate", "present", "late", "excused", "absent")
SUMMARY_NAMES = {
    "child": ("child", "class_group", "kindergarten"),
    "class_group": ("class_group", "kindergarten"),
    "kindergarten": ("kindergarten",),
    "craft": ("craft",),
    "season": ("season",),
}


def summary_fields(grouping):
    return (*SUMMARY_NAMES[grouping], *SUMMARY_COUNTS)


def rounded_rate(rate):
    """A rate to one decimal, rounded half up as the page's ``floatformat:1`` shows it."""
    if rate is None:
        return None
    return Decimal(repr(rate)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def summary_rows(queryset, grouping):
    """The report's rows for CSV/XLSX: one per group, with the rate (to one decimal, as the
    page shows it) and the counts, grouped and computed in the database in one query."""
    names = GROUPINGS[grouping][1:]
    for row in rates_by(queryset, grouping).iterator(chunk_size=2000):
        rate = row["rate"]
        yield (
            *(row[name] for name in names),
            rounded_rate(rate),
            *(row[count] for count in SUMMARY_COUNTS[1:]),
        )
