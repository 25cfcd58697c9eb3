"""One event in the workspace: its page, judges, unlocking sheets and importing scores."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.refusals import Refused

from ...forms import JudgesForm, PaperSheetForm, ReasonForm
from ...models import Sheet, Stage
from ...services.imports import import_scores
from ...services.publishing import results_page_for
from ...services.scoring import submit_for_judge, unlock_sheet
from .base import event_context, event_for, organizer_required, refuse, upload


@organizer_required
def event_detail(request, pk):
    event = event_for(request, pk)
    return render(request, "contests/manage/event.html", event_context(request, event))


@organizer_required
@require_POST
def judges(request, pk):
    event = event_for(request, pk)
    form = JudgesForm(request.POST, event=event)
    if not form.is_valid():
        return refuse(
            request, event, "; ".join(form.errors.get("judges", [])) or _("Check the judges.")
        )
    chosen = {user.pk for user in form.cleaned_data["judges"]}
    page = results_page_for(event)
    current = set(event.sheets.values_list("judge_id", flat=True))
    if page is not None and page.stage != Stage.PROVISIONAL and chosen != current:
        return refuse(
            request,
            event,
            _(
                "The results are public: the panel of judges cannot change. To correct a "
                "score, unlock the judge's sheet with a reason."
            ),
        )
    with transaction.atomic():
        event.sheets.filter(judge_id__in=current - chosen).delete()
        Sheet.objects.bulk_create(Sheet(event=event, judge_id=pk) for pk in chosen - current)
    messages.success(request, _("Judges saved: %(n)s assigned.") % {"n": len(chosen)})
    return redirect("contests:event", pk=event.pk)


@organizer_required
@require_POST
def unlock(request, pk, sheet_pk):
    event = event_for(request, pk)
    sheet = get_object_or_404(event.sheets, pk=sheet_pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise Refused(_("Give a reason for unlocking the sheet."))
        unlock_sheet(sheet, request.user, form.cleaned_data["reason"])
    except Refused as refusal:
        return refuse(request, event, str(refusal))
    messages.success(request, _("Sheet unlocked; the judge can change it again."))
    return redirect("contests:event", pk=event.pk)


@organizer_required
@require_POST
def submit_paper_sheet(request, pk, sheet_pk):
    """A paper judge's sheet, entered or imported by the organizer, submitted on their behalf."""
    event = event_for(request, pk)
    sheet = get_object_or_404(event.sheets, pk=sheet_pk)
    form = PaperSheetForm(request.POST)
    if not form.is_valid():
        return refuse(request, event, " ".join(form.errors["note"]))
    try:
        submit_for_judge(sheet, request.user, form.cleaned_data["note"])
    except Refused as refusal:
        return refuse(request, event, str(refusal))
    messages.success(
        request,
        _("%(judge)s's sheet is submitted on their behalf.")
        % {"judge": sheet.judge.get_full_name() or sheet.judge.get_username()},
    )
    return redirect("contests:event", pk=event.pk)


@organizer_required
@require_POST
def import_scores_view(request, pk):
    event = event_for(request, pk)

    def done(count):
        messages.success(request, _("%(count)s scores imported.") % {"count": count})
        return redirect("contests:event", pk=event.pk)

    return upload(
        request,
        kind="scores",
        contest=event.contest,
        event=event,
        run=lambda file: import_scores(event, file, request.user),
        done=done,
    )
