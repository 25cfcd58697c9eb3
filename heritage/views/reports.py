"""Attendance reports: rates per group with a chart, the coverage matrix, CSV and XLSX."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_safe

from core.access import role_required, scoped
from core.roles import CRAFTSMAN, TEACHER
from core.spreadsheets import SpreadsheetExportMixin

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
    "kindergarten": gettext_lazy("kindergarten"),
    "class_group": gettext_lazy("class group"),
    "craft": gettext_lazy("craft"),
    "lesson": gettext_lazy("lesson"),
    "child": gettext_lazy("child"),
    "status": gettext_lazy("status"),
}


class AttendanceExportView(SpreadsheetExportMixin, View):
    """Attendance rows as CSV or XLSX, through Wagtail's spreadsheet export."""

    list_export = list(EXPORT_FIELDS)

    def get(self, request, export_format):
        if export_format not in self.FORMATS:
            raise Http404
        filters, queryset = _filtered(request)
        if queryset is None:
            return _refused_filters(request, filters)
        # Resolve translations now: the CSV streams after the view returns.
        self.headings = {field: force_str(label) for field, label in EXPORT_HEADINGS.items()}
        self.statuses = {code: force_str(label) for code, label in STATUS_EXPORT.items()}
        today = timezone.localdate()
        self.export_filename = f"attendance-{today:%Y%m%d}"
        label = _("Attendance")
        self.export_title = f"{label} {today:%Y-%m-%d}"
        return self.as_spreadsheet(export_rows(queryset), export_format)

    def get_heading(self, queryset, field):
        return self.headings[field]

    def to_row_dict(self, item):
        row = dict(zip(self.list_export, item, strict=True))
        row["status"] = self.statuses.get(row["status"], row["status"])
        return row


attendance_export = require_safe(role_required(*REPORT_ROLES)(AttendanceExportView.as_view()))
