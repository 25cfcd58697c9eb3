"""An event's entrants in the workspace: the searchable list, adding one, changing a status."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.log_actions import log

from ...filters import EntrantFilter
from ...forms import EntrantForm, EntrantStatusForm
from ...models import Entrant
from ...services.entrants import assign_bibs
from .base import event_for, organizer_required


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


def _render_entrants(request, event, form, status):
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
            "query": search.query,
            "statuses": Entrant.Status.choices,
        },
        status=status,
    )


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
    entrant.status = form.cleaned_data["status"]
    entrant.save(update_fields=["status"])
    log(entrant, "wagtail.edit", user=request.user, data={"status": entrant.status})
    messages.success(
        request,
        _("%(name)s is now: %(status)s.")
        % {"name": entrant.name, "status": entrant.get_status_display()},
    )
    return redirect("contests:entrants", pk=event.pk)
