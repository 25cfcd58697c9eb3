"""An event's marking scheme: edited on its page, copied from a past event or imported."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.log_actions import log

from ...forms import AwardTierFormSet, CopySchemeForm, CriterionFormSet, EventForm, UploadForm
from ...models import Event
from ...services.imports import ImportRefused, copy_scheme, import_scheme
from ...services.scheme import minimum_total_problem, scheme_locked
from .base import event_for, organizer_required, upload


@organizer_required
def scheme(request, pk):
    event = event_for(request, pk)
    locked = scheme_locked(event)
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
        elif (
            form.is_valid()
            and tiers.is_valid()
            and (locked or criteria.is_valid())
            and _minimum_reachable(event, form, criteria, locked)
        ):
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


def _minimum_reachable(event, form, criteria, locked):
    """False, with the message beside the field, when the minimum total for an award is above
    the highest total the criteria (as they will be saved) allow."""
    if locked:
        kept = list(event.criteria.all())
    else:
        kept = [
            f.instance
            for f in criteria.forms
            if f.has_changed() or f.instance.pk
            if not (criteria.can_delete and criteria._should_delete_form(f))
        ]
    problem = minimum_total_problem(form.cleaned_data.get("minimum_total"), kept)
    if problem:
        form.add_error("minimum_total", problem)
        return False
    return True


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
        Event.objects.for_user(user)
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
    locked = scheme_locked(event)
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
    event = event_for(request, pk)
    form = CopySchemeForm(request.POST, events=_copyable_events(request.user, event))
    if not form.is_valid():
        return _refuse_copy(request, event, form, _("Choose an event to copy from."))
    try:
        copy_scheme(form.cleaned_data["source"], event)
    except ImportRefused as refusal:
        return _refuse_copy(request, event, form, "; ".join(str(p) for p in refusal.problems))
    messages.success(
        request, _("Scheme copied from %(event)s.") % {"event": form.cleaned_data["source"]}
    )
    return redirect("contests:scheme", pk=event.pk)


@organizer_required
@require_POST
def import_scheme_view(request, pk):
    event = event_for(request, pk)

    def done(count):
        messages.success(request, _("%(count)s criteria imported.") % {"count": count})
        return redirect("contests:scheme", pk=event.pk)

    return upload(
        request,
        kind="scheme",
        contest=event.contest,
        event=event,
        run=lambda file: len(import_scheme(event, file)),
        done=done,
    )
