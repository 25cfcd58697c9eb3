"""An event's entrants in the workspace: the searchable list, adding one, changing a status,
editing, withdrawing or deleting one (with history), the competition order and the printable
check-in sheet."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.refusals import Refused

from ...filters import EntrantFilter
from ...forms import EntrantEditForm, EntrantForm, EntrantStatusForm, OrderForm, ReasonForm
from ...models import Entrant
from ...services import roster
from ...services.entrants import assign_bibs
from .base import event_for, organizer_required

HISTORY_SHOWN = 50


@organizer_required
def entrants(request, pk):
    event = event_for(request, pk)
    form = EntrantForm(request.POST if request.method == "POST" else None, event=event)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            entrant = form.save(commit=False)
            entrant.event = event
            entrant.source = Entrant.Source.STAFF
            with transaction.atomic():
                assign_bibs([entrant])
                entrant.save()
            messages.success(
                request,
                _("%(name)s added as number %(bib)s.") % {"name": entrant.name, "bib": entrant.bib},
            )
            return redirect("contests:entrants", pk=event.pk)
        status = 400
    return _render_entrants(request, event, form, status)


def _render_entrants(request, event, form, status, order_form=None):
    search = EntrantFilter(request.GET, queryset=event.entrants.order_by("bib"))
    page = Paginator(search.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "contests/manage/entrants.html",
        {
            "event": event,
            "contest": event.contest,
            "entrants": page,
            "form": form,
            "order_form": order_form or OrderForm(),
            "query": search.query,
            "statuses": EntrantStatusForm.base_fields["status"].choices,
            "history": _history_rows(roster.event_entrant_history(event)[:10]),
        },
        status=status,
    )


def _history_rows(entries):
    return [
        {"entry": entry, "message": roster.describe(entry.action, entry.data)} for entry in entries
    ]


@organizer_required
@require_POST
def entrant_status(request, pk, entrant_pk):
    event = event_for(request, pk)
    entrant = get_object_or_404(event.entrants, pk=entrant_pk)
    form = EntrantStatusForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Choose a valid status for %(name)s: nothing was changed.") % {"name": entrant.name},
        )
        return _render_entrants(request, event, EntrantForm(event=event), 400)
    roster.change_status(entrant, form.cleaned_data["status"], request.user)
    messages.success(
        request,
        _("%(name)s is now: %(status)s.")
        % {"name": entrant.name, "status": entrant.get_status_display()},
    )
    return redirect("contests:entrants", pk=event.pk)


def _render_entrant(request, event, entrant, form=None, reason_form=None, status=200):
    return render(
        request,
        "contests/manage/entrant.html",
        {
            "event": event,
            "contest": event.contest,
            "entrant": entrant,
            "form": form or EntrantEditForm(instance=entrant),
            "reason_form": reason_form or ReasonForm(),
            "has_scores": entrant.scores.exists(),
            "history": _history_rows(roster.entrant_history(entrant)[:HISTORY_SHOWN]),
        },
        status=status,
    )


@organizer_required
def entrant_edit(request, pk, entrant_pk):
    """One entrant: correct their details, withdraw or delete them, and read their history."""
    event = event_for(request, pk)
    entrant = get_object_or_404(event.entrants, pk=entrant_pk)
    if request.method != "POST":
        return _render_entrant(request, event, entrant)
    before = {name: getattr(entrant, name) for name in roster.EDITABLE}
    form = EntrantEditForm(request.POST, instance=entrant)
    if not form.is_valid():
        entrant.refresh_from_db()
        return _render_entrant(request, event, entrant, form=form, status=400)
    changes = roster.edit_entrant(form.instance, before, request.user)
    if changes:
        messages.success(request, _("Changes to %(name)s saved.") % {"name": entrant.name})
    else:
        messages.info(request, _("Nothing was changed."))
    return redirect("contests:entrant", pk=event.pk, entrant_pk=entrant.pk)


def _reasoned(request, event, entrant, action):
    """Run ``action(reason)`` with the posted reason, or show the entrant's page with the
    refusal (status 400)."""
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise Refused(_("Give a reason."), field="reason")
        action(form.cleaned_data["reason"])
    except Refused as refusal:
        refusal.add_to(form)
        messages.error(request, refusal.message)
        return _render_entrant(request, event, entrant, reason_form=form, status=400)
    return None


@organizer_required
@require_POST
def entrant_withdraw(request, pk, entrant_pk):
    event = event_for(request, pk)
    entrant = get_object_or_404(event.entrants, pk=entrant_pk)
    refused = _reasoned(
        request,
        event,
        entrant,
        lambda reason: roster.withdraw_entrant(entrant, reason, request.user),
    )
    if refused:
        return refused
    messages.success(request, _("%(name)s has withdrawn.") % {"name": entrant.name})
    return redirect("contests:entrant", pk=event.pk, entrant_pk=entrant.pk)


@organizer_required
@require_POST
def entrant_delete(request, pk, entrant_pk):
    event = event_for(request, pk)
    entrant = get_object_or_404(event.entrants, pk=entrant_pk)
    name, bib = entrant.name, entrant.bib
    refused = _reasoned(
        request, event, entrant, lambda reason: roster.delete_entrant(entrant, reason, request.user)
    )
    if refused:
        return refused
    messages.success(request, _("No. %(bib)s %(name)s deleted.") % {"bib": bib, "name": name})
    return redirect("contests:entrants", pk=event.pk)


@organizer_required
def entrants_history(request, pk):
    """Every logged change to the event's entrants, deleted ones included."""
    event = event_for(request, pk)
    page = Paginator(roster.event_entrant_history(event), HISTORY_SHOWN).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "contests/manage/entrants_history.html",
        {
            "event": event,
            "contest": event.contest,
            "entries": page,
            "history": _history_rows(page.object_list),
        },
    )


@organizer_required
@require_POST
def assign_order(request, pk):
    event = event_for(request, pk)
    form = OrderForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose bib order or a random draw: nothing was changed."))
        return _render_entrants(request, event, EntrantForm(event=event), 400, order_form=form)
    count = roster.assign_order(
        event, form.cleaned_data["method"], request.user, stations=form.cleaned_data["stations"]
    )
    messages.success(request, _("Competition order set for %(n)s entrants.") % {"n": count})
    return redirect("contests:entrants", pk=event.pk)


@organizer_required
def check_in(request, pk):
    """The printable check-in sheet: every entrant still in the event, in competition order,
    with a box for their signature."""
    event = event_for(request, pk)
    rows = (
        event.entrants.exclude(status=Entrant.Status.WITHDRAWN)
        .order_by(F("order").asc(nulls_last=True), "bib")
        .only("bib", "name", "unit", "station", "order", "status")
    )
    return render(
        request,
        "contests/manage/check_in.html",
        {"event": event, "contest": event.contest, "rows": rows},
    )
