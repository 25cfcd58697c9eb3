"""Kindergartens, class groups and children loaded from a spreadsheet, by managers."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.access import role_required
from core.forms import SpreadsheetUploadForm
from core.spreadsheet_import import ImportRefused
from core.spreadsheets import import_template_response

from ..services.imports import import_kindergartens, template_rows

manager_required = role_required()


@manager_required
@require_http_methods(["GET", "HEAD", "POST"])
def kindergarten_import(request):
    """Upload a spreadsheet of kindergartens, class groups and children: all are created or
    updated, or none and every fault is listed (status 400)."""
    posted = request.method == "POST"
    form = SpreadsheetUploadForm(
        request.POST if posted else None, request.FILES if posted else None
    )
    problems, status = [], 200
    if posted:
        if form.is_valid():
            try:
                result = import_kindergartens(form.cleaned_data["file"], user=request.user)
            except ImportRefused as refusal:
                problems = refusal.problems
            else:
                messages.success(
                    request,
                    _(
                        "Imported: %(kg_new)s new kindergartens (%(kg_changed)s updated), "
                        "%(cg_new)s new class groups (%(cg_changed)s updated), "
                        "%(ch_new)s new children (%(ch_changed)s updated)."
                    )
                    % {
                        "kg_new": result.created["kindergartens"],
                        "kg_changed": result.updated["kindergartens"],
                        "cg_new": result.created["class_groups"],
                        "cg_changed": result.updated["class_groups"],
                        "ch_new": result.created["children"],
                        "ch_changed": result.updated["children"],
                    },
                )
                return redirect("heritage:kindergartens")
        status = 400
    return render(
        request,
        "heritage/kindergarten_import.html",
        {"form": form, "problems": problems},
        status=status,
    )


@manager_required
@require_safe
def kindergarten_import_template(request, export_format):
    headers, rows = template_rows()
    return import_template_response(
        export_format,
        _("Kindergartens and children to import"),
        headers,
        rows,
        fallback="kindergartens-import",
    )
