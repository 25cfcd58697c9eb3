"""Exports of the Wagtail admin's listings, written like the site's own downloads.

``SnippetIndexView`` is a snippet listing whose CSV/XLSX go through ``core.spreadsheets``:
UTF-8 CRLF CSV, typed XLSX with a bold header, formula-safe cells, choices by their label,
and a Chinese file name (with an ASCII fallback). Viewsets with ``list_export`` set
``index_view_class = SnippetIndexView``.
"""

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.text import capfirst
from wagtail.snippets.views.snippets import IndexView

from .spreadsheets import SpreadsheetExportMixin


class SnippetIndexView(SpreadsheetExportMixin, IndexView):
    def get_export_title(self):
        plural = capfirst(str(self.model._meta.verbose_name_plural))
        return f"{plural} {timezone.localdate():%Y-%m-%d}"

    def get_filename(self):
        name = super().get_filename()
        if name == "spreadsheet-export":
            name = self.model._meta.model_name
        return f"{name}-{timezone.localdate():%Y%m%d}"

    def to_row_dict(self, item):
        row = super().to_row_dict(item)
        for field in self.list_export:
            try:
                model_field = self.model._meta.get_field(field)
            except FieldDoesNotExist:
                continue
            if model_field.choices and not model_field.is_relation:
                row[field] = getattr(item, f"get_{model_field.attname}_display")()
        return row
