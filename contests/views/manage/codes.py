"""Blind judging in the workspace: drawing the secret codes, and the sealed code table."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.refusals import Refused

from ...forms import DrawCodesForm
from ...services.codes import (
    code_history,
    code_table,
    codes_drawn,
    draw_codes,
    draw_missing_codes,
    is_sealed,
    open_table,
)
from .base import event_for, organizer_required, refuse


@organizer_required
@require_POST
def draw(request, pk):
    event = event_for(request, pk)
    form = DrawCodesForm(request.POST)
    if not form.is_valid():
        return refuse(request, event, _("Choose which entrants to draw codes for."))
    try:
        if form.cleaned_data["which"] == DrawCodesForm.MISSING:
            count = draw_missing_codes(event, request.user)
        else:
            count = draw_codes(event, request.user)
    except Refused as refusal:
        return refuse(request, event, str(refusal))
    messages.success(request, _("%(n)s secret codes drawn.") % {"n": count})
    return redirect(reverse("contests:event", args=[event.pk]) + "#codes")


@organizer_required
@require_http_methods(["GET", "POST"])
def table(request, pk):
    """The code → entrant table. Sealed until the provisional results are published: a GET
    shows only the warning; opening it is a POST, recorded in the event's history."""
    event = event_for(request, pk)
    sealed = is_sealed(event)
    rows = None
    if not sealed:
        rows = code_table(event)
    elif request.method == "POST":
        rows = open_table(event, request.user)
    return render(
        request,
        "contests/manage/codes.html",
        {
            "event": event,
            "contest": event.contest,
            "sealed": sealed,
            "drawn": codes_drawn(event),
            "rows": rows,
            "history": code_history(event),
        },
    )
