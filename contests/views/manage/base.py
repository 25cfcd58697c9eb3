"""What the workspace views share: the organizer check, the event page (and refusals shown on
it) and the all-or-nothing spreadsheet upload."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from core.access import role_required, scoped_or_404
from core.refusals import Refused
from core.roles import ORGANIZER

from ...forms import (
    DrawCodesForm,
    HallBoardForm,
    JudgesForm,
    PaperSheetForm,
    ReasonForm,
    UploadForm,
)
from ...models import Entrant, Event
from ...services.certificates import certificates_of, progress
from ...services.codes import code_summary, unsealed_codes
from ...services.grids import completion_grid
from ...services.imports import ImportRefused
from ...services.measuring import missing_measurements
from ...services.publishing import open_objections, results_page_for
from ...services.ranking import check_rule, missing_scores, rank_event
from ...services.scoring import deviations, score_changes, submissions
from ...services.versions import drift
from ...services.versions import label as version_label

# Organizers and managers; an object outside the organizer's contests is not found (404).
organizer_required = role_required(ORGANIZER)


def event_for(request, pk):
    """The event ``pk`` of a contest the user organises, or 404."""
    return scoped_or_404(Event.objects.select_related("contest"), request.user, pk=pk)


def upload(request, *, kind, contest, event=None, run, done):
    """An all-or-nothing spreadsheet import: run it, or show every refused row with status 400.

    ``run(file)`` imports and returns a count; ``done(count)`` says so and returns the redirect.
    """
    form = UploadForm(request.POST, request.FILES)
    problems = []
    if form.is_valid():
        try:
            count = run(form.cleaned_data["file"])
        except ImportRefused as refusal:
            problems = refusal.problems
        else:
            return done(count)
    target = event or contest
    return render(
        request,
        "contests/manage/import_result.html",
        {
            "contest": contest,
            "event": event,
            "form": form,
            "problems": problems,
            "kind": kind,
            "retry_url": reverse(f"contests:import_{kind}", args=[target.pk]),
            "upload_form": UploadForm(),
        },
        status=400,
    )


COMPLETION_PAGE_SIZE = 50


def completion_context(request, event, sheets, criterion_count):
    """The completion grid of one page (``?grid=``) of the event's entrants."""
    page = Paginator(event.entrants.order_by("bib"), COMPLETION_PAGE_SIZE).get_page(
        request.GET.get("grid")
    )
    return {
        "event": event,
        "grid_sheets": sheets,
        "grid_rows": completion_grid(sheets, page.object_list, criterion_count),
        "grid_page": page,
        "refreshed_at": timezone.localtime(),
    }


def event_context(request, event):
    sheets = list(
        event.sheets.select_related("judge").annotate(score_count=Count("scores")).order_by("id")
    )
    criteria = list(event.criteria.select_related("measured_by"))
    tiers = list(event.tiers.all())
    entrant_counts = event.entrants.aggregate(
        total=Count("id"), active=Count("id", filter=Q(status=Entrant.Status.ACTIVE))
    )
    judged = [criterion for criterion in criteria if not criterion.is_measured]
    measured = [criterion for criterion in criteria if criterion.is_measured]
    expected = entrant_counts["active"] * len(judged)
    submitted = submissions(sheets)
    for sheet in sheets:
        sheet.expected = expected
        sheet.submission = submitted.get(sheet.pk)
    missing_count = missing_scores(event, limit=0)[0] if sheets and criteria else 0
    rule_problem = None
    try:
        check_rule(event, len(sheets))
    except Refused as refusal:
        rule_problem = str(refusal)
    ranked_criteria, standings = rank_event(event) if criteria else ([], [])
    codes = unsealed_codes(event)  # shown beside bib and name once the results are published
    for standing in standings:
        standing.code = codes.get(standing.entrant_id, "")
    standings_page = Paginator(standings, 100).get_page(request.GET.get("page"))
    results_page = results_page_for(event)
    out_of_date = drift(results_page, standings) if results_page else []
    batch = event.certificate_batches.first()
    return {
        **completion_context(request, event, sheets, len(judged)),
        "event": event,
        "contest": event.contest,
        "sheets": sheets,
        "criteria": criteria,
        "measured_criteria": measured,
        "measurements_missing": missing_measurements(event) if measured else 0,
        "tiers": tiers,
        "entrant_counts": entrant_counts,
        "missing_count": missing_count,
        "rule_problem": rule_problem,
        "standings": standings_page,
        "ranked_criteria": ranked_criteria,
        "show_codes": bool(codes),
        "codes": code_summary(event),
        "draw_form": DrawCodesForm(),
        "results_page": results_page,
        "results_version": version_label(results_page) if results_page else "",
        "out_of_date": out_of_date,
        "score_changes": score_changes(sheets)[:100],
        "paper_form": PaperSheetForm(),
        "deviations": deviations(event) if sheets else [],
        "judges_form": JudgesForm(initial={"judges": [s.judge_id for s in sheets]}, event=event),
        "reason_form": ReasonForm(),
        "upload_form": UploadForm(),
        "open_objections": open_objections(event).count(),
        "open_objection_list": list(open_objections(event).order_by("created_at")[:10]),
        "batch": batch,
        "batch_progress": progress(batch) if batch else None,
        "certificate_count": certificates_of(event).count(),
        "certificates": certificates_of(event).order_by("id")[:50],
        "today": timezone.localdate(),
        "hall_boards": list(event.hall_boards.live()),
        "board_form": HallBoardForm(),
    }


def refuse(request, event, message, **extra):
    """The event page again with ``message``, status 400: nothing was changed."""
    messages.error(request, message)
    context = event_context(request, event)
    context.update(extra)
    return render(request, "contests/manage/event.html", context, status=400)
