"""A pairing's logbook as a spreadsheet."""

from django.http import Http404
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import ListView

from core.access import role_required, scoped_or_404
from core.roles import APPRENTICE, MENTOR
from core.spreadsheets import SpreadsheetExportMixin

from .common import pairing_rows


class LogbookExportView(SpreadsheetExportMixin, ListView):
    """A pairing's logbook as CSV or XLSX, for its mentor, apprentice and managers."""

    list_export = [
        "date",
        "hours",
        "skill_names",
        "notes",
        "reflection",
        "confirmed_at",
    ]

    @method_decorator(role_required(MENTOR, APPRENTICE))
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        self.pairing = scoped_or_404(pairing_rows(), self.request.user, pk=self.kwargs["pk"])
        return self.pairing.entries.prefetch_related("skills").order_by("date", "pk")

    def get_filename(self):
        return f"logbook-{self.pairing.pk}-{timezone.localdate():%Y%m%d}"

    def get_export_title(self):
        name = self.pairing.apprentice_name or _("apprentice")
        label = _("Logbook")
        return f"{label} {name} {timezone.localdate():%Y-%m-%d}"

    def get_heading(self, queryset, field):
        if field == "skill_names":
            return _("Skills practised")
        return super().get_heading(queryset, field)

    def to_row_dict(self, item):
        item.skill_names = ", ".join(sorted(tag.name for tag in item.skills.all()))
        return super().to_row_dict(item)

    def get(self, request, *args, **kwargs):
        export = kwargs["format"]
        if export not in self.FORMATS:
            raise Http404
        return self.as_spreadsheet(self.get_queryset(), export)
