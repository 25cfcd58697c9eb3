"""The judge's side: their sheets, and one sheet to fill on a tablet."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from core.access import role_required, scoped_or_404
from core.refusals import Refused
from core.roles import JUDGE

from ..models import Criterion, Entrant, Score, Sheet
from ..services.codes import blind_sheet, coded_entrants
from ..services.measuring import events_to_measure
from ..services.scoring import field_name, last_unlock, save_sheet, sheet_history, subtotal

SHEET_PAGE_SIZE = 50


def _not_drawn():
    return _(
        "Scoring opens when the organizer has drawn the secret codes: this event hides the "
        "entrants' names and numbers from judges."
    )


def _count_of(queryset):
    """How many rows of ``queryset`` belong to the sheet's event, as a subquery."""
    rows = (
        queryset.filter(event=OuterRef("event"))
        .order_by()
        .values("event")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


@role_required(JUDGE)
def my_sheets(request):
    sheets = (
        Sheet.objects.for_user(request.user)
        .select_related("event__contest")
        .annotate(
            score_count=Count("scores"),
            active_entrants=_count_of(Entrant.objects.filter(status=Entrant.Status.ACTIVE)),
            criterion_count=_count_of(Criterion.objects.judged()),
        )
        .annotate(expected=F("active_entrants") * F("criterion_count"))
        .order_by("submitted_at", "-event__contest__starts_on", "event__name")
    )
    page = Paginator(sheets, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "contests/judging/sheets.html",
        {"sheets": page, "to_measure": list(events_to_measure(request.user)[:50])},
    )


@login_required
def sheet(request, pk):
    """One page of a judge's sheet: entrants × criteria; save as draft or submit.

    Anyone but the sheet's judge is told it does not exist (404), whatever their role."""
    sheet = scoped_or_404(
        Sheet.objects.select_related("event__contest", "judge"), request.user, pk=pk
    )
    event = sheet.event
    criteria = list(event.criteria.judged())
    # A blind event lists only entrants holding a secret code, by code; none before the draw.
    blind = blind_sheet(event)
    if blind is None:
        entrants = event.entrants.order_by("bib")
    elif blind.drawn:
        entrants = coded_entrants(event)
    else:
        entrants = event.entrants.none()
    entrants_page = Paginator(entrants, SHEET_PAGE_SIZE).get_page(request.GET.get("page"))
    entrant_list = list(entrants_page.object_list)
    keys = {e.pk: e.blind_code.code for e in entrant_list} if blind else None
    errors, status = {}, 200
    posted = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        saved = 0
        try:
            if blind is not None and not blind.drawn:
                raise Refused(_not_drawn())
            saved, errors = save_sheet(
                sheet, request.POST, entrant_list, criteria, request.user, submit=submit, keys=keys
            )
        except Refused as refusal:
            errors = {"__all__": str(refusal)}
        if _wants_json(request):
            return _autosave_answer(saved, errors)
        if not errors:
            if submit:
                messages.success(request, _("Sheet submitted. Thank you."))
                return redirect("contests:my_sheets")
            messages.success(request, _("Draft saved (%(n)s scores).") % {"n": saved})
            url = reverse("contests:sheet", args=[sheet.pk])
            if entrants_page.number > 1:
                url += f"?page={entrants_page.number}"
            return redirect(url)
        status = 400
        sheet.refresh_from_db()
    scores = {
        (entrant_id, criterion_id): points
        for entrant_id, criterion_id, points in Score.objects.filter(
            sheet=sheet, entrant__in=[e.pk for e in entrant_list]
        ).values_list("entrant_id", "criterion_id", "points")
    }
    rows = []
    for entrant in entrant_list:
        cells = []
        key = keys[entrant.pk] if keys else entrant.pk
        for criterion in criteria:
            name = field_name(key, criterion.pk)
            value = posted.get(name, scores.get((entrant.pk, criterion.pk), ""))
            cells.append(
                {"name": name, "value": value, "criterion": criterion, "error": errors.get(name)}
            )
        values = [cell["value"] for cell in cells]
        rows.append(
            {
                "entrant": entrant,
                # What the judge reads for the entrant: the secret code on a blind event.
                "label": keys[entrant.pk] if keys else entrant.bib,
                "cells": cells,
                "subtotal": subtotal(values, criteria),
            }
        )
    filled = Score.objects.filter(sheet=sheet).count()
    return render(
        request,
        "contests/judging/sheet.html",
        {
            "sheet": sheet,
            "event": event,
            "criteria": criteria,
            "rows": rows,
            "entrants": entrants_page,
            "form_error": errors.get("__all__"),
            "error_count": len([k for k in errors if k != "__all__"]),
            "filled": filled,
            "expected": event.entrants.active().count() * len(criteria),
            "unlocked": None if sheet.is_submitted else last_unlock(sheet),
            "blind": blind,
            "history": sheet_history(sheet, blind=blind is not None),
        },
        status=status,
    )


def _wants_json(request):
    """The sheet's own script saves drafts in the background and asks for JSON."""
    return "application/json" in request.headers.get("Accept", "")


def _autosave_answer(saved, errors):
    """What the background save tells the sheet: saved at hh:mm, or which cells were refused
    (nothing is saved then)."""
    if errors:
        return JsonResponse(
            {
                "ok": False,
                "message": errors.get("__all__")
                or _("Not saved: %(n)s scores are not valid.")
                % {"n": len([k for k in errors if k != "__all__"])},
                "errors": {k: str(v) for k, v in errors.items() if k != "__all__"},
            },
            status=400,
        )
    at = time_format(timezone.localtime(), "H:i")
    return JsonResponse(
        {
            "ok": True,
            "saved": saved,
            "saved_at": at,
            "message": _("Draft saved at %(time)s.") % {"time": at},
        }
    )
