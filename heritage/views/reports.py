"""Attendance reports: rates per group with a chart, the coverage matrix, and CSV and XLSX
downloads of the rows and of the rates per group."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from core.access import role_required, scoped
from core.roles import CRAFTSMAN, TEACHER
from core.spreadsheets import ONE_DECIMAL_FORMAT, csv_response, xlsx_response

from ..filters import AttendanceFilter
from ..models import Kindergarten, Season
from ..services.matrix import coverage_matrix
from ..services.reports import (
    EXPORT_FIELDS,
    attendance_in_scope,
    export_rows,
    labelled,
    overall_rate,
    rates_by,
    summary_fields,
    summary_rows,
)

REPORT_ROLES = (TEACHER, CRAFTSMAN)


def _filtered(request):
    """The report's filters and the attendance they select, or (filters, None) when a filter
    value is refused."""
    filters = AttendanceFilter(
        request.GET or None, queryset=attendance_in_scope(request.user), request=request
    )
    if filters.is_bound and not filters.is_valid():
        return filters, None
    return filters, filters.qs


def _refused_filters(request, filters):
    return render(request, "heritage/reports.html", {"form": filters.form}, status=400)


@require_safe
@role_required(*REPORT_ROLES)
def reports(request):
    filters, queryset = _filtered(request)
    if queryset is None:
        return _refused_filters(request, filters)
    form, by = filters.form, filters.grouping
    page = Paginator(rates_by(queryset, by), 50).get_page(request.GET.get("page"))
    rows = [labelled(row, by) for row in page.object_list]
    chart = {
        "labels": [r["label"] for r in rows],
        "rates": [round(r["rate"], 1) if r["rate"] is not None else None for r in rows],
        "title": force_str(_("Attendance rate (%)")),
    }
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "heritage/reports.html",
        {
            "form": form,
            "by": by,
            "by_label": dict(form.fields["by"].choices).get(by, ""),
            "rows": rows,
            "page_obj": page,
            "overall": overall_rate(queryset),
            "chart": chart,
            "query": query.urlencode(),
            "matrix": coverage_matrix(
                form.cleaned_data.get("season") if filters.is_bound else Season.current(),
                scoped(Kindergarten, request.user),
            ),
        },
    )


STATUS_EXPORT = {
    "present": gettext_lazy("present"),
    "late": gettext_lazy("late"),
    "excused": gettext_lazy("excused"),
    "absent": gettext_lazy("absent"),
}
EXPORT_HEADINGS = {
    "date": gettext_lazy("date"),
    "starts": gettext_lazy("starts"),
    "ends": gettext_lazy("ends"),
    "kindergarten": gettext_lazy("kindergarten"),
    "class_group": gettext_lazy("class group"),
    "craft": gettext_lazy("craft"),
    "lesson": gettext_lazy("lesson"),
    "child": gettext_lazy("child"),
    "season": gettext_lazy("season"),
    "status": gettext_lazy("status"),
    "reason": gettext_lazy("reason"),
    "rate": gettext_lazy("attendance rate (%)"),
    "present": gettext_lazy("present"),
    "late": gettext_lazy("late"),
    "excused": gettext_lazy("excused"),
    "absent": gettext_lazy("absent"),
}
SUMMARY_TITLES = {
    "child": gettext_lazy("Attendance rates per child"),
    "class_group": gettext_lazy("Attendance rates per class group"),
    "kindergarten": gettext_lazy("Attendance rates per kindergarten"),
    "craft": gettext_lazy("Attendance rates per craft"),
    "season": gettext_lazy("Attendance rates per season"),
}
EXPORT_FORMATS = ("csv", "xlsx")


def _headings(fields):
    return [force_str(EXPORT_HEADINGS[field]) for field in fields]


def _spreadsheet(export_format, title, filename, headers, rows, number_formats=None):
    if export_format == "csv":
        return csv_response(title, headers, rows, fallback=filename, number_formats=number_formats)
    return xlsx_response(
        title, title, headers, rows, fallback=filename, number_formats=number_formats
    )


@require_safe
@role_required(*REPORT_ROLES)
def attendance_export(request, export_format):
    """The attendance rows the report's filters select, one per child and session, as CSV
    (UTF-8 with a byte-order mark) or XLSX (typed cells), streamed from the database."""
    if export_format not in EXPORT_FORMATS:
        raise Http404
    filters, queryset = _filtered(request)
    if queryset is None:
        return _refused_filters(request, filters)
    # Resolve translations now: the CSV streams after the view returns.
    statuses = {code: force_str(label) for code, label in STATUS_EXPORT.items()}
    today = timezone.localdate()
    title = f"{_('Attendance')} {today:%Y-%m-%d}"
    return _spreadsheet(
        export_format,
        title,
        f"attendance-{today:%Y%m%d}",
        _headings(EXPORT_FIELDS),
        export_rows(queryset, statuses),
    )


@require_safe
@role_required(*REPORT_ROLES)
def attendance_summary_export(request, export_format):
    """The report as it shows on the page: one row per group of the chosen grouping, with
    its rate and counts computed in the database, under the same filters."""
    if export_format not in EXPORT_FORMATS:
        raise Http404
    filters, queryset = _filtered(request)
    if queryset is None:
        return _refused_filters(request, filters)
    by = filters.grouping
    fields = summary_fields(by)
    today = timezone.localdate()
    title = f"{SUMMARY_TITLES[by]} {today:%Y-%m-%d}"
    return _spreadsheet(
        export_format,
        title,
        f"attendance-summary-by-{by.replace('_', '-')}-{today:%Y%m%d}",
        _headings(fields),
        summary_rows(queryset, by),
        {fields.index("rate"): ONE_DECIMAL_FORMAT},
    )
