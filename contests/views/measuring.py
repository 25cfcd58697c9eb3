"""Entering an event's measurements: the designated judge, or an organizer, types each
entrant's measured value once; the page shows the points the bands give."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.refusals import Refused

from ..models import Event, Measurement
from ..services.codes import blind_sheet, coded_entrants
from ..services.measuring import (
    field_name,
    measured_criteria,
    measurement_changes,
    missing_measurements,
    plain,
    results_published,
    save_measurements,
)

PAGE_SIZE = 50


@login_required
def measurements(request, pk):
    """Anyone who may not enter a measurement of the event is told it does not exist (404)."""
    event = get_object_or_404(Event.objects.select_related("contest"), pk=pk)
    criteria = measured_criteria(event, request.user)
    if not criteria:
        raise Http404("no measurement to enter")
    organizer = Event.objects.for_user(request.user).filter(pk=event.pk).exists()
    # A judge measuring a blind event reads secret codes, as on their score sheet.
    blind = None if organizer else blind_sheet(event)
    if blind is None:
        entrants = event.entrants.active().order_by("bib")
    elif blind.drawn:
        entrants = coded_entrants(event).filter(status="active")
    else:
        entrants = event.entrants.none()
    page = Paginator(entrants, PAGE_SIZE).get_page(request.GET.get("page"))
    entrant_list = list(page.object_list)
    keys = {e.pk: e.blind_code.code for e in entrant_list} if blind else None
    errors, status = {}, 200
    posted = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            saved, errors = save_measurements(
                event,
                request.POST,
                entrant_list,
                criteria,
                request.user,
                keys=keys,
                reason=request.POST.get("reason", "")[:300],
            )
        except Refused as refusal:
            errors = {"__all__": str(refusal)}
        if not errors:
            messages.success(request, _("Measurements saved (%(n)s changed).") % {"n": saved})
            url = reverse("contests:measurements", args=[event.pk])
            if page.number > 1:
                url += f"?page={page.number}"
            return redirect(url)
        status = 400
    entered = {
        (m.entrant_id, m.criterion_id): m
        for m in Measurement.objects.filter(
            criterion__in=criteria, entrant__in=[e.pk for e in entrant_list]
        )
    }
    rows = []
    for entrant in entrant_list:
        key = keys[entrant.pk] if keys else entrant.pk
        cells = []
        for criterion in criteria:
            name = field_name(key, criterion.pk)
            measurement = entered.get((entrant.pk, criterion.pk))
            value = posted.get(name) or (plain(measurement.value) if measurement else "")
            cells.append(
                {
                    "name": name,
                    "value": value,
                    "criterion": criterion,
                    "measurement": measurement,
                    "error": errors.get(name),
                }
            )
        rows.append(
            {"entrant": entrant, "label": keys[entrant.pk] if keys else entrant.bib, "cells": cells}
        )
    return render(
        request,
        "contests/measurements.html",
        {
            "event": event,
            "contest": event.contest,
            "criteria": criteria,
            "rows": rows,
            "entrants": page,
            "organizer": organizer,
            "blind": blind,
            "missing": missing_measurements(event),
            "published": results_published(event),
            "changes": measurement_changes(event) if organizer or not blind else [],
            "form_error": errors.get("__all__"),
            "error_count": len([k for k in errors if k != "__all__"]),
            "reason": posted.get("reason", ""),
        },
        status=status,
    )
