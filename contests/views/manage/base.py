"""The organizer's workspace: contests, events, schemes, entrants, judges, results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST
from wagtail.log_actions import log

from core import spreadsheets

from ..forms import (
    AwardTierFormSet,
    CopySchemeForm,
    CriterionFormSet,
    EntrantForm,
    EntrantStatusForm,
    EventForm,
    JudgesForm,
    NewEventForm,
    ObjectionAnswerForm,
    ReasonForm,
    UploadForm,
)
from ..models import CertificateBatch, Entrant, Event, Objection, Score, Sheet, Stage
from ..services import access
from ..services.certificates import certificates_of, progress, start_batch
from ..services.imports import (
    ImportRefused,
    assign_bibs,
    copy_scheme,
    import_entrants,
    import_scheme,
    import_scores,
)
from ..services.publishing import (
    PublishError,
    make_final,
    open_objections,
    publish_correction,
    publish_provisional,
    results_page_for,
    start_public_notice,
)
from ..services.ranking import RankingError, check_rule, compute_standings, missing_scores
from ..services.scoring import ScoreError, deviations, unlock_sheet


def organizer_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not access.can_organise(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@organizer_required
def contests(request):
    contests = (
        access.organised_contests(request.user)
        .annotate(
            event_count=Count("events", distinct=True),
            open_objections=Count(
                "events__objections",
                filter=Q(events__objections__status=Objection.Status.OPEN),
                distinct=True,
            ),
        )
        .order_by("-starts_on", "title")
    )
    page = Paginator(contests, 20).get_page(request.GET.get("page"))
    return render(request, "contests/manage/contests.html", {"contests": page})


@organizer_required
def contest_detail(request, pk):
    contest = access.contest_for_organizer(request.user, pk)
    events = (
        contest.events.annotate(
            entrant_count=Count("entrants", distinct=True),
            judge_count=Count("sheets", distinct=True),
        )
        .select_related("results_page")
        .order_by("name")
    )
    form = NewEventForm(
        request.POST if request.method == "POST" else None, contest=contest, prefix="event"
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            event = form.save(commit=False)
            event.contest = contest
            event.save()
            messages.success(request, _("Event “%(name)s” added.") % {"name": event.name})
            return redirect("contests:event", pk=event.pk)
        status = 400
    objections = Objection.objects.filter(event__contest=contest).select_related("event")[:50]
    return render(
        request,
        "contests/manage/contest.html",
        {
            "contest": contest,
            "events": events,
            "form": form,
            "upload_form": UploadForm(),
            "objections": objections,
        },
        status=status,
    )


def _upload(request, *, kind, contest, event=None, run, done):
    """An all-or-nothing spreadsheet import: run it, or show every refused row with status 400.

    ``run(file)`` imports and returns a count; ``done(count)`` says so and returns the redirect.
    """
    form = UploadForm(request.POST, request.FILES)
    problems = []
    if form.is_valid():
        try:
            count = run(form.cleaned_data["file"])
        except ImportRefused as refused:
            problems = refused.problems
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


@organizer_required
@require_POST
def import_entrants_view(request, pk):
    contest = access.contest_for_organizer(request.user, pk)

    def done(count):
        messages.success(request, _("%(count)s entrants imported.") % {"count": count})
        return redirect("contests:contest", pk=contest.pk)

    return _upload(
        request,
        kind="entrants",
        contest=contest,
        run=lambda file: len(import_entrants(contest, file)),
        done=done,
    )


def _event_context(request, event):
    sheets = list(
        event.sheets.select_related("judge").annotate(score_count=Count("scores")).order_by("id")
    )
    criteria = list(event.criteria.all())
    tiers = list(event.tiers.all())
    entrant_counts = event.entrants.aggregate(
        total=Count("id"), active=Count("id", filter=Q(status=Entrant.Status.ACTIVE))
    )
    expected = entrant_counts["active"] * len(criteria)
    for sheet in sheets:
        sheet.expected = expected
    missing_count, missing_rows = missing_scores(event) if sheets and criteria else (0, [])
    rule_problem = None
    try:
        check_rule(event, len(sheets))
    except RankingError as error:
        rule_problem = str(error)
    standings = compute_standings(event) if criteria else []
    standings_page = Paginator(standings, 100).get_page(request.GET.get("page"))
    results_page = results_page_for(event)
    batch = event.certificate_batches.first()
    return {
        "event": event,
        "contest": event.contest,
        "sheets": sheets,
        "criteria": criteria,
        "tiers": tiers,
        "entrant_counts": entrant_counts,
        "missing_count": missing_count,
        "missing_rows": missing_rows,
        "rule_problem": rule_problem,
        "standings": standings_page,
        "results_page": results_page,
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
    }


@organizer_required
def event_detail(request, pk):
    event = access.event_for_organizer(request.user, pk)
    return render(request, "contests/manage/event.html", _event_context(request, event))


def _refuse(request, event, message, **extra):
    messages.error(request, message)
    context = _event_context(request, event)
    context.update(extra)
    return render(request, "contests/manage/event.html", context, status=400)


@organizer_required
def scheme(request, pk):
    event = access.event_for_organizer(request.user, pk)
    locked = Score.objects.filter(criterion__event=event).exists()
    data = request.POST if request.method == "POST" else None
    form = EventForm(data, instance=event, prefix="event")
    # Once scores exist the criteria are shown read-only and not posted; a stale page that
    # still posts them is refused if it changes them.
    criteria_posted = data is not None and "criteria-TOTAL_FORMS" in data
    criteria = CriterionFormSet(
        data if (criteria_posted or not locked) else None, instance=event, prefix="criteria"
    )
    tiers = AwardTierFormSet(data, instance=event, prefix="tiers")
    copy_form = CopySchemeForm(events=_copyable_events(request.user, event))
    status = 200
    if request.method == "POST":
        if locked and criteria_posted and criteria.has_changed():
            messages.error(request, _("Scores exist already: criteria cannot change."))
            status = 400
        elif form.is_valid() and tiers.is_valid() and (locked or criteria.is_valid()):
            try:
                _save_scheme(event, form, criteria, tiers, locked)
            except IntegrityError:
                messages.error(
                    request,
                    _("The scheme could not be saved: two criteria would share a name."),
                )
                return _render_scheme(
                    request, event, form, criteria, tiers, copy_form, locked=locked, status=400
                )
            log(event, "wagtail.edit", user=request.user)
            messages.success(request, _("Marking scheme saved."))
            return redirect("contests:event", pk=event.pk)
        else:
            status = 400
    return _render_scheme(
        request, event, form, criteria, tiers, copy_form, locked=locked, status=status
    )


def _save_scheme(event, form, criteria, tiers, locked):
    with transaction.atomic():
        form.save()
        formsets = [tiers] if locked else [criteria, tiers]
        for formset in formsets:
            saved = formset.save(commit=False)
            for item in formset.deleted_objects:
                item.delete()
            for item in saved:
                item.save()
            _renumber(formset)


def _renumber(formset):
    """Positions follow the order of the forms on the page (first prize first), whatever
    subset of rows changed."""
    position = 0
    for form in formset.forms:
        if formset.can_delete and formset._should_delete_form(form):
            continue
        item = form.instance
        if item.pk is None:  # an extra form left empty
            continue
        if item.position != position:
            type(item).objects.filter(pk=item.pk).update(position=position)
        position += 1


def _copyable_events(user, event):
    return (
        Event.objects.for_organizer(user)
        .exclude(pk=event.pk)
        .filter(criteria__isnull=False)
        .distinct()
        .select_related("contest")
        .order_by("-contest__year", "contest__title", "name")
    )


def _render_scheme(request, event, form, criteria, tiers, copy_form, *, locked, status):
    return render(
        request,
        "contests/manage/scheme.html",
        {
            "event": event,
            "contest": event.contest,
            "form": form,
            "criteria": criteria,
            "tiers": tiers,
            "copy_form": copy_form,
            "upload_form": UploadForm(),
            "locked": locked,
            "criteria_list": list(event.criteria.all()) if locked else [],
        },
        status=status,
    )


def _refuse_copy(request, event, copy_form, message):
    """The scheme page again, with the copy form's error, status 400, nothing changed."""
    messages.error(request, message)
    locked = Score.objects.filter(criterion__event=event).exists()
    return _render_scheme(
        request,
        event,
        EventForm(instance=event, prefix="event"),
        CriterionFormSet(instance=event, prefix="criteria"),
        AwardTierFormSet(instance=event, prefix="tiers"),
        copy_form,
        locked=locked,
        status=400,
    )


@organizer_required
@require_POST
def copy_scheme_view(request, pk):
    event = access.event_for_organizer(request.user, pk)
    form = CopySchemeForm(request.POST, events=_copyable_events(request.user, event))
    if not form.is_valid():
        return _refuse_copy(request, event, form, _("Choose an event to copy from."))
    try:
        copy_scheme(form.cleaned_data["source"], event)
    except ImportRefused as refused:
        return _refuse_copy(request, event, form, "; ".join(str(p) for p in refused.problems))
    messages.success(
        request, _("Scheme copied from %(event)s.") % {"event": form.cleaned_data["source"]}
    )
    return redirect("contests:scheme", pk=event.pk)


@organizer_required
@require_POST
def import_scheme_view(request, pk):
    event = access.event_for_organizer(request.user, pk)

    def done(count):
        messages.success(request, _("%(count)s criteria imported.") % {"count": count})
        return redirect("contests:scheme", pk=event.pk)

    return _upload(
        request,
        kind="scheme",
        contest=event.contest,
        event=event,
        run=lambda file: len(import_scheme(event, file)),
        done=done,
    )


@organizer_required
def entrants(request, pk):
    event = access.event_for_organizer(request.user, pk)
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
    listing = event.entrants.order_by("bib")
    query = request.GET.get("q", "").strip().replace("\x00", "")[:60]
    if query:
        listing = listing.filter(Q(name__icontains=query) | Q(bib=query) | Q(unit__icontains=query))
    page = Paginator(listing, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "contests/manage/entrants.html",
        {
            "event": event,
            "contest": event.contest,
            "entrants": page,
            "form": form,
            "query": query,
            "statuses": Entrant.Status.choices,
        },
        status=status,
    )


@organizer_required
@require_POST
def entrant_status(request, pk, entrant_pk):
    event = access.event_for_organizer(request.user, pk)
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


@organizer_required
@require_POST
def judges(request, pk):
    event = access.event_for_organizer(request.user, pk)
    form = JudgesForm(request.POST, event=event)
    if not form.is_valid():
        return _refuse(
            request, event, "; ".join(form.errors.get("judges", [])) or _("Check the judges.")
        )
    chosen = {user.pk for user in form.cleaned_data["judges"]}
    with transaction.atomic():
        current = set(event.sheets.values_list("judge_id", flat=True))
        event.sheets.filter(judge_id__in=current - chosen).delete()
        Sheet.objects.bulk_create(Sheet(event=event, judge_id=pk) for pk in chosen - current)
    messages.success(request, _("Judges saved: %(n)s assigned.") % {"n": len(chosen)})
    return redirect("contests:event", pk=event.pk)


@organizer_required
@require_POST
def unlock(request, pk, sheet_pk):
    event = access.event_for_organizer(request.user, pk)
    sheet = get_object_or_404(event.sheets, pk=sheet_pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ScoreError(_("Give a reason for unlocking the sheet."))
        unlock_sheet(sheet, request.user, form.cleaned_data["reason"])
    except ScoreError as error:
        return _refuse(request, event, str(error))
    messages.success(request, _("Sheet unlocked; the judge can change it again."))
    return redirect("contests:event", pk=event.pk)


@organizer_required
@require_POST
def import_scores_view(request, pk):
    event = access.event_for_organizer(request.user, pk)

    def done(count):
        messages.success(request, _("%(count)s scores imported.") % {"count": count})
        return redirect("contests:event", pk=event.pk)

    return _upload(
        request,
        kind="scores",
        contest=event.contest,
        event=event,
        run=lambda file: import_scores(event, file, request.user),
        done=done,
    )


PUBLISH_ACTIONS = {"provisional", "notice", "final", "correct"}


@organizer_required
@require_POST
def publish(request, pk):
    event = access.event_for_organizer(request.user, pk)
    action = request.POST.get("action")
    if action not in PUBLISH_ACTIONS:
        return _refuse(request, event, _("Unknown publishing step."))
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
                raise PublishError(_("Give the reason for the correction."))
            publish_correction(event, request.user, form.cleaned_data["reason"])
            messages.success(request, _("The corrected results are published."))
    except PublishError as error:
        return _refuse(request, event, str(error))
    return redirect("contests:event", pk=event.pk)


@organizer_required
def objection_answer(request, pk):
    objection = get_object_or_404(
        Objection.objects.select_related("event__contest").filter(
            event__in=Event.objects.for_organizer(request.user)
        ),
        pk=pk,
    )
    form = ObjectionAnswerForm(
        request.POST if request.method == "POST" else None, instance=objection
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            answered = form.save(commit=False)
            answered.answered_by = request.user
            answered.answered_at = timezone.now()
            answered.save()
            log(answered, "wagtail.edit", user=request.user, data={"status": answered.status})
            messages.success(request, _("Answer saved."))
            return redirect("contests:event", pk=objection.event_id)
        status = 400
    return render(
        request,
        "contests/manage/objection.html",
        {"objection": objection, "form": form, "event": objection.event},
        status=status,
    )


EXPORT_COLUMNS = ("rank", "bib", "name", "unit", "total", "award")


def _export_rows(event):
    from ..models import Entrant as E

    status_labels = dict(E.Status.choices)
    for standing in compute_standings(event):
        yield [
            standing.rank,
            standing.bib,
            standing.name,
            standing.unit,
            standing.total,
            standing.award
            or (str(status_labels[standing.status]) if standing.status != "active" else ""),
        ]


def _headers():
    return [
        str(label)
        for label in [
            _("rank"),
            _("bib"),
            pgettext("results column", "name"),
            _("unit"),
            _("total"),
            _("award"),
        ]
    ]


@organizer_required
def export(request, pk, fmt):
    event = access.event_for_organizer(request.user, pk)
    fallback = f"results-{event.pk}"
    label = _("results")
    title = f"{event.contest.title} {event.name} {label}"
    rows = list(_export_rows(event))
    formats = {4: spreadsheets.DECIMAL_FORMAT}
    if fmt == "csv":
        return spreadsheets.csv_response(
            title, _headers(), rows, fallback=fallback, number_formats=formats, stream=False
        )
    return spreadsheets.xlsx_response(
        title, event.name, _headers(), rows, fallback=fallback, number_formats=formats
    )


@organizer_required
def print_sheets(request, pk):
    """Blank (or filled) score sheets, one printed page per judge."""
    event = access.event_for_organizer(request.user, pk)
    sheets = list(event.sheets.select_related("judge").order_by("id"))
    criteria = list(event.criteria.all())
    entrant_list = list(event.entrants.active().order_by("bib"))
    scores = {}
    if request.GET.get("filled") == "1":
        for sheet_id, entrant_id, criterion_id, points in Score.objects.filter(
            sheet__event=event
        ).values_list("sheet_id", "entrant_id", "criterion_id", "points"):
            scores[(sheet_id, entrant_id, criterion_id)] = points
    pages = []
    for sheet in sheets:
        rows = [
            (entrant, [scores.get((sheet.pk, entrant.pk, c.pk), "") for c in criteria])
            for entrant in entrant_list
        ]
        pages.append((sheet, rows))
    return render(
        request,
        "contests/manage/print_sheets.html",
        {"event": event, "contest": event.contest, "criteria": criteria, "pages": pages},
    )


@organizer_required
@require_POST
def certificates_start(request, pk):
    event = access.event_for_organizer(request.user, pk)
    try:
        start_batch(event, request.user)
    except PublishError as error:
        return _refuse(request, event, str(error))
    messages.success(request, _("Certificates are being made."))
    return redirect(reverse("contests:event", args=[event.pk]) + "#certificates")


@organizer_required
def certificates_progress(request, pk):
    event = access.event_for_organizer(request.user, pk)
    batch = event.certificate_batches.first()
    if batch is None:
        return JsonResponse({"status": "none"}, status=404)
    return JsonResponse(progress(batch))


__all__ = ["CertificateBatch", "Stage"]
