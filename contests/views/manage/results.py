"""An event's results in the workspace: publishing steps, objections, exports, printed score
sheets and certificates."""

from decimal import Decimal

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST, require_safe

from core import spreadsheets
from core.access import scoped_or_404
from core.refusals import Refused

from ...forms import ObjectionAnswerForm, ReasonForm
from ...models import Entrant, Objection, Score
from ...services.certificates import certificates_print as certificates_print_of
from ...services.certificates import certificates_zip as certificates_zip_of
from ...services.certificates import progress, start_batch
from ...services.codes import blind_sheet, coded_entrants, unsealed_codes
from ...services.objections import answer as answer_objection
from ...services.objections import email_of
from ...services.publishing import (
    make_final,
    publish_correction,
    publish_provisional,
    results_page_for,
    start_public_notice,
)
from ...services.ranking import rank_event
from ...services.versions import draft_label
from ...services.versions import label as version_label
from .base import event_for, organizer_required, refuse

PUBLISH_ACTIONS = {"provisional", "notice", "final", "correct"}


@organizer_required
@require_POST
def publish(request, pk):
    event = event_for(request, pk)
    action = request.POST.get("action")
    if action not in PUBLISH_ACTIONS:
        return refuse(request, event, _("Unknown publishing step."))
    try:
        if action == "provisional":
            publish_provisional(event, request.user)
            messages.success(request, _("Provisional results saved: only staff can see them."))
        elif action == "notice":
            page = start_public_notice(event, request.user)
            messages.success(
                request,
                _("The results are public, in notice until %(date)s.")
                % {"date": page.notice_until.isoformat()},
            )
        elif action == "final":
            make_final(event, request.user)
            messages.success(request, _("The results are final."))
        else:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                raise Refused(_("Give the reason for the correction."))
            publish_correction(event, request.user, form.cleaned_data["reason"])
            messages.success(request, _("The corrected results are published."))
    except Refused as refusal:
        return refuse(request, event, str(refusal))
    return redirect("contests:event", pk=event.pk)


@organizer_required
def objection_answer(request, pk):
    objection = scoped_or_404(
        Objection.objects.select_related("event__contest"), request.user, pk=pk
    )
    form = ObjectionAnswerForm(
        request.POST if request.method == "POST" else None, instance=objection
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            answered = answer_objection(form.save(commit=False), request.user)
            if email_of(answered):
                messages.success(request, _("Answer saved and emailed to the sender."))
            else:
                messages.success(
                    request,
                    _(
                        "Answer saved. The sender left a phone number: it shows on the results "
                        "page once the public notice ends."
                    ),
                )
            return redirect("contests:event", pk=objection.event_id)
        status = 400
    return render(
        request,
        "contests/manage/objection.html",
        {"objection": objection, "form": form, "event": objection.event},
        status=status,
    )


def _export_headers(criteria_names, with_codes):
    return [
        str(h)
        for h in (
            _("rank"),
            _("bib"),
            *([_("secret code")] if with_codes else []),
            pgettext("results column", "name"),
            _("unit"),
            *criteria_names,
            _("total"),
            _("award"),
            _("tie-break"),
        )
    ]


def _export_formats(criteria_names, with_codes):
    first = 5 if with_codes else 4
    return dict.fromkeys(range(first, first + 1 + len(criteria_names)), spreadsheets.DECIMAL_FORMAT)


def _unranked_label(status):
    return str(dict(Entrant.Status.choices)[status]) if status != "active" else ""


def _draft_table(event, codes):
    """The working draft: headers, rows and number formats computed from the scores now, one
    column per criterion's result beside the total, and how a tie on the total was broken;
    a blind event's secret codes beside the bib once publishing has unsealed them."""
    criteria, standings = rank_event(event)
    names = [c.name for c in criteria]
    rows = [
        [
            standing.rank,
            standing.bib,
            *([codes.get(standing.entrant_id, "")] if codes else []),
            standing.name,
            standing.unit,
            *standing.results,
            standing.total,
            standing.award or _unranked_label(standing.status),
            standing.tie_note,
        ]
        for standing in standings
    ]
    return _export_headers(names, bool(codes)), rows, _export_formats(names, bool(codes))


def _published_table(page, codes):
    """The version kept in the results page, as the public (or staff, while provisional) saw it."""
    names = list(page.criteria)

    def number(value):
        return None if value in (None, "") else Decimal(value)

    rows = []
    for row in page.standings:
        results = list(row.get("results") or [None] * len(names))
        rows.append(
            [
                row.get("rank"),
                row["bib"],
                *([codes.get(row["entrant_id"], "")] if codes else []),
                row["name"],
                row["unit"],
                *[number(value) for value in results[: len(names)]],
                number(row.get("total")),
                row.get("award") or _unranked_label(row.get("status", "active")),
                row.get("tie_note", ""),
            ]
        )
    return _export_headers(names, bool(codes)), rows, _export_formats(names, bool(codes))


@organizer_required
def export(request, pk, fmt):
    """The results as CSV or XLSX: ``?version=published`` the version kept in the results
    page, otherwise the working draft; the file's name and the XLSX title row say which."""
    event = event_for(request, pk)
    page = results_page_for(event) if request.GET.get("version") == "published" else None
    # A blind event's secret codes, once unsealed by publishing: a column beside the bib.
    codes = unsealed_codes(event)
    if request.GET.get("version") == "published" and page is None:
        return refuse(request, event, _("No results have been published for this event yet."))
    if page is not None:
        headers, rows, formats = _published_table(page, codes)
        caption = version_label(page)
        name = _("results version %(n)s") % {"n": page.version}
        fallback = f"results-{event.pk}-v{page.version}"
    else:
        headers, rows, formats = _draft_table(event, codes)
        caption = draft_label()
        name = _("results working draft")
        fallback = f"results-{event.pk}-draft"
    title = f"{event.contest.title} {event.name} {name}"
    if fmt == "csv":
        return spreadsheets.csv_response(
            title, headers, rows, fallback=fallback, number_formats=formats, stream=False
        )
    return spreadsheets.xlsx_response(
        title,
        event.name,
        headers,
        rows,
        fallback=fallback,
        number_formats=formats,
        caption=caption,
    )


@organizer_required
def print_sheets(request, pk):
    """Blank (or filled) score sheets, one printed page per judge."""
    event = event_for(request, pk)
    sheets = list(event.sheets.select_related("judge").order_by("id"))
    criteria = list(event.criteria.judged())
    # Handed to the judges: a blind event's sheets list the secret codes only, by code.
    blind = blind_sheet(event)
    if blind is None:
        entrant_list = list(event.entrants.active().order_by("bib"))
    else:
        entrant_list = list(coded_entrants(event).filter(status=Entrant.Status.ACTIVE))
    scores = {}
    if request.GET.get("filled") == "1":
        for sheet_id, entrant_id, criterion_id, points in Score.objects.filter(
            sheet__event=event
        ).values_list("sheet_id", "entrant_id", "criterion_id", "points"):
            scores[(sheet_id, entrant_id, criterion_id)] = points
    pages = []
    for sheet in sheets:
        rows = [
            (
                entrant.blind_code.code if blind else entrant.bib,
                entrant,
                [scores.get((sheet.pk, entrant.pk, c.pk), "") for c in criteria],
            )
            for entrant in entrant_list
        ]
        pages.append((sheet, rows))
    return render(
        request,
        "contests/manage/print_sheets.html",
        {
            "event": event,
            "contest": event.contest,
            "criteria": criteria,
            "pages": pages,
            "blind": blind,
        },
    )


@organizer_required
@require_POST
def certificates_start(request, pk):
    event = event_for(request, pk)
    try:
        start_batch(event, request.user)
    except Refused as refusal:
        return refuse(request, event, str(refusal))
    messages.success(request, _("Certificates are being made."))
    return redirect(reverse("contests:event", args=[event.pk]) + "#certificates")


@organizer_required
def certificates_progress(request, pk):
    event = event_for(request, pk)
    batch = event.certificate_batches.first()
    if batch is None:
        return JsonResponse({"status": "none"}, status=404)
    return JsonResponse(progress(batch))


def _download(request, pk, make, filename, content_type):
    event = event_for(request, pk)
    try:
        body = make(event)
    except Refused as refusal:
        if refusal.status != 400:
            raise
        return refuse(request, event, str(refusal))
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename(event))
    response["Cache-Control"] = "private, no-store"
    return response


@organizer_required
@require_safe
def certificates_zip(request, pk):
    """Every valid certificate of the event's awards, one PDF each, in a ZIP."""
    return _download(
        request,
        pk,
        certificates_zip_of,
        lambda event: f"{event.contest.title}-{event.name}-{_('certificates')}.zip",
        "application/zip",
    )


@organizer_required
@require_safe
def certificates_print(request, pk):
    """Every valid certificate of the event's awards in one PDF, a page each, to print."""
    return _download(
        request,
        pk,
        certificates_print_of,
        lambda event: f"{event.contest.title}-{event.name}-{_('certificates')}.pdf",
        "application/pdf",
    )
