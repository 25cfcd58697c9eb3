"""The manager's view of every pairing, with filters and exports, and pairings imported from
a spreadsheet."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django.views.generic import ListView

from core.access import role_required, scoped
from core.roles import MANAGER
from core.spreadsheet_import import ImportRefused
from core.spreadsheets import (
    SpreadsheetExportMixin,
    import_template_response,
)

from ..filters import PairingFilter
from ..forms import PairingImportForm, ProfileImportForm
from ..models import Pairing
from ..pagination import paginate
from ..services import profile_imports
from ..services.imports import import_pairings, template_rows
from ..services.overview import overview
from .common import pairing_rows


class ManagerPairingListView(SpreadsheetExportMixin, ListView):
    """Every pairing with status, hours, last entry and flags; filters; CSV and XLSX."""

    template_name = "academy/manager_pairings.html"
    paginate_by = 30
    context_object_name = "pairings"
    list_export = [
        "pk",
        "mentor_name",
        "apprentice_name",
        "trade.name",
        "studio.title",
        "get_status_display",
        "break_reason",
        "start",
        "planned_end",
        "target_hours",
        "hours_logged",
        "hours_percent",
        "entry_count",
        "unconfirmed_count",
        "last_entry_on",
        "competencies_reached",
        "competencies_total",
        "is_stale",
        "certificate.code",
    ]

    @property
    def export_headings(self):
        return {
            "pk": _("ID"),
            "mentor_name": _("Mentor"),
            "apprentice_name": _("Apprentice"),
            "trade.name": _("Trade"),
            "studio.title": _("Studio"),
            "get_status_display": _("Status"),
            "break_reason": _("Reason for the break"),
            "start": _("Start"),
            "planned_end": _("Planned end"),
            "target_hours": _("Target hours"),
            "hours_logged": _("Hours logged"),
            "hours_percent": _("Share of target, percent"),
            "entry_count": _("Entries"),
            "unconfirmed_count": _("Entries to confirm"),
            "last_entry_on": _("Last entry"),
            "competencies_reached": _("Competencies reached"),
            "competencies_total": _("Competencies to reach"),
            "is_stale": _("Stale"),
            "certificate.code": _("Certificate"),
        }

    def get_filename(self):
        return f"pairings-{timezone.localdate():%Y%m%d}"

    def get_export_title(self):
        label = _("Pairings")
        return f"{label} {timezone.localdate():%Y-%m-%d}"

    def to_row_dict(self, item):
        row = {}
        for field in self.list_export:
            value = item
            for part in field.split("."):
                value = getattr(value, part, None) if value is not None else None
            row[field] = value() if callable(value) else value
        return row

    @method_decorator(role_required(MANAGER))
    def dispatch(self, request, *args, **kwargs):
        export = request.GET.get("export")
        if export and export not in self.FORMATS:
            return HttpResponse(_("Unknown export format."), status=400)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        """The filtered pairings, without totals: totals are added to one page only."""
        self.filterset = PairingFilter(self.request.GET or None, queryset=Pairing.objects.all())
        if self.filterset.is_bound and not self.filterset.is_valid():
            self.invalid_filters = True
            return Pairing.objects.none()
        self.invalid_filters = False
        return self.filterset.qs.order_by("status", "-start", "pk")

    def with_totals(self, queryset):
        return (
            scoped(pairing_rows(), self.request.user)
            .select_related("certificate")
            .filter(pk__in=queryset.values("pk"))
            .order_by("status", "-start", "pk")
        )

    def get(self, request, *args, **kwargs):
        if self.is_export:
            queryset = self.get_queryset()
            if self.invalid_filters:
                return HttpResponse(_("Invalid filters."), status=400)
            return self.as_spreadsheet(self.with_totals(queryset), request.GET["export"])
        response = super().get(request, *args, **kwargs)
        if self.invalid_filters:
            response.status_code = 400
        return response

    def paginate_queryset(self, queryset, page_size):
        page = paginate(self.request, queryset.values_list("pk", flat=True), page_size)
        ids = list(page.object_list)
        rows = {
            pairing.pk: pairing for pairing in self.with_totals(Pairing.objects.filter(pk__in=ids))
        }
        page.object_list = [rows[pk] for pk in ids if pk in rows]
        return page.paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context["query"] = query.urlencode()
        return context


@role_required(MANAGER)
@require_http_methods(["GET", "HEAD", "POST"])
def pairing_import(request):
    """Upload a spreadsheet of pairings: all are created or updated, or none and every fault
    is listed (status 400)."""
    posted = request.method == "POST"
    form = PairingImportForm(request.POST if posted else None, request.FILES if posted else None)
    problems, status = [], 200
    if posted:
        if form.is_valid():
            try:
                created, updated = import_pairings(form.cleaned_data["file"], user=request.user)
            except ImportRefused as refusal:
                problems = refusal.problems
            else:
                messages.success(
                    request,
                    _("Imported: %(created)s new pairings, %(updated)s updated.")
                    % {"created": len(created), "updated": len(updated)},
                )
                return redirect("academy:manager_pairings")
        status = 400
    return render(
        request,
        "academy/pairing_import.html",
        {"form": form, "problems": problems},
        status=status,
    )


@role_required(MANAGER)
@require_safe
def pairing_import_template(request, format):
    headers, rows = template_rows()
    return import_template_response(
        format, _("Pairings to import"), headers, rows, fallback="pairings-import"
    )


@role_required(MANAGER)
@require_safe
def pairing_overview(request):
    """Pairings active and stale, hours this month, completions this year: by trade and by
    studio."""
    return render(request, "academy/manager_overview.html", {"overview": overview()})


@role_required(MANAGER)
@require_http_methods(["GET", "HEAD", "POST"])
def profile_import(request):
    """Upload a spreadsheet of model workers' and folk craftsmen's profiles: all are created
    or updated (published, or as drafts), or none and every fault is listed (status 400)."""
    posted = request.method == "POST"
    form = ProfileImportForm(request.POST if posted else None, request.FILES if posted else None)
    problems, status = [], 200
    if posted:
        if form.is_valid():
            try:
                created, updated = profile_imports.import_profiles(
                    form.cleaned_data["file"],
                    user=request.user,
                    publish=form.cleaned_data["publish"],
                )
            except ImportRefused as refusal:
                problems = refusal.problems
            else:
                messages.success(
                    request,
                    (
                        _("Imported and published: %(created)s new profiles, %(updated)s updated.")
                        if form.cleaned_data["publish"]
                        else _(
                            "Imported as drafts: %(created)s new profiles, %(updated)s updated."
                            " Review and publish them in the admin."
                        )
                    )
                    % {"created": len(created), "updated": len(updated)},
                )
                return redirect("academy:profile_import")
        status = 400
    return render(
        request,
        "academy/profile_import.html",
        {"form": form, "problems": problems},
        status=status,
    )


@role_required(MANAGER)
@require_safe
def profile_import_template(request, format):
    headers, rows = profile_imports.template_rows()
    return import_template_response(
        format, _("Profiles to import"), headers, rows, fallback="profiles-import"
    )
