"""The organizer's judge × entrant grids of an event: the score matrix of one criterion, and
the completion grid the event page refreshes."""

from django.http import Http404
from django.shortcuts import render

from core.pagination import paginate

from ...services.grids import score_matrix
from .base import completion_context, event_for, organizer_required

MATRIX_PAGE_SIZE = 50


def _chosen_criterion(request, criteria):
    """The criterion ``?criterion=`` names (the first one by default), or 404."""
    raw = request.GET.get("criterion")
    if not raw:
        return criteria[0] if criteria else None
    for criterion in criteria:
        if str(criterion.pk) == raw:
            return criterion
    raise Http404("no such criterion")


@organizer_required
def matrix(request, pk):
    event = event_for(request, pk)
    criteria = list(event.criteria.judged())
    criterion = _chosen_criterion(request, criteria)
    sheets = list(event.sheets.select_related("judge").order_by("id"))
    page = paginate(request, event.entrants.order_by("bib"), MATRIX_PAGE_SIZE)
    rows = score_matrix(event, criterion, sheets, page.object_list) if criterion else []
    return render(
        request,
        "contests/manage/matrix.html",
        {
            "event": event,
            "contest": event.contest,
            "criteria": criteria,
            "criterion": criterion,
            "sheets": sheets,
            "rows": rows,
            "entrants": page,
            "query": f"criterion={criterion.pk}" if criterion else "",
        },
    )


@organizer_required
def completion(request, pk):
    """The completion grid alone, as the event page's script fetches it every few seconds."""
    event = event_for(request, pk)
    sheets = list(event.sheets.order_by("id").select_related("judge"))
    context = completion_context(request, event, sheets, event.criteria.judged().count())
    response = render(request, "contests/manage/completion.html", context)
    response["Cache-Control"] = "no-store"
    return response
