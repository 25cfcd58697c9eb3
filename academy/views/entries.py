"""Logbook entries: the mentor logs, changes and deletes them; everyone in scope reads them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core import pending
from core.access import role_required, scoped_or_404
from core.refusals import Refused
from core.roles import APPRENTICE, MENTOR, is_manager

from ..forms import ConfirmForm, EntryForm, UnlockForm
from ..services.access import is_apprentice_of, is_mentor_of
from ..services.logbook import (
    check_entry_open,
    delete_entry,
    ensure_entry_open,
    ensure_pairing_open,
    entry_history,
    save_entry,
    skill_suggestions,
)
from .common import entry_rows, pairing_rows, refused


@role_required(MENTOR, APPRENTICE)
@require_http_methods(["GET", "HEAD", "POST"])
def entry_create(request, pk):
    pairing = scoped_or_404(pairing_rows(), request.user, pk=pk)
    if not is_mentor_of(request.user, pairing):
        raise PermissionDenied
    try:
        ensure_pairing_open(pairing)
    except Refused as refusal:
        return refused(request, refusal, pairing, pairing.get_absolute_url())
    return _entry_form(request, pairing, None)


@role_required(MENTOR, APPRENTICE)
@require_http_methods(["GET", "HEAD", "POST"])
def entry_edit(request, pk):
    entry = scoped_or_404(entry_rows(), request.user, pk=pk)
    if not is_mentor_of(request.user, entry.pairing):
        raise PermissionDenied
    try:
        ensure_entry_open(entry)
    except Refused as refusal:
        return refused(request, refusal, entry.pairing, entry.get_absolute_url())
    return _entry_form(request, entry.pairing, entry)


def _entry_form(request, pairing, entry):
    status = 200
    pending_photos = []
    if request.method == "POST":
        form = EntryForm(
            request.POST, request.FILES, pairing=pairing, entry=entry, user=request.user
        )
        pending.release(form.dropped_photos)
        if form.is_valid():
            try:
                saved = save_entry(
                    pairing,
                    request.user,
                    date=form.cleaned_data["date"],
                    hours=form.cleaned_data["hours"],
                    skills=form.cleaned_data["skills"],
                    ratings=form.ratings(),
                    notes=form.cleaned_data["notes"],
                    photos=form.cleaned_data["photos"],
                    entry=entry,
                    evidence=form.evidence(),
                )
            except Refused as refusal:
                refusal.add_to(form)
            else:
                pending.release(form.pending_photos)
                messages.success(
                    request,
                    _("Session of %(date)s saved: %(hours)s hours.")
                    % {"date": saved.date.isoformat(), "hours": saved.hours},
                )
                return redirect(pairing)
        status = 400
        # The photos accepted are kept, so that correcting another field does not lose them.
        pending_photos = form.keep_pending_photos(request.user)
    else:
        form = EntryForm(pairing=pairing, entry=entry)
    return render(
        request,
        "academy/entry_form.html",
        {
            "pairing": pairing,
            "entry": entry,
            "form": form,
            "photos": entry.photos.all() if entry is not None else [],
            "pending_photos": pending_photos,
            "skill_suggestions": skill_suggestions(pairing),
        },
        status=status,
    )


@role_required(MENTOR, APPRENTICE)
@require_safe
def entry_detail(request, pk):
    entry = scoped_or_404(entry_rows(), request.user, pk=pk)
    return render(
        request,
        "academy/entry_detail.html",
        {
            "entry": entry,
            "pairing": entry.pairing,
            "photos": entry.photos.all(),
            "ratings": entry.ratings.select_related(
                "competency", "evidence_photo", "evidence_item"
            ),
            "items": entry.portfolio_items.order_by("date", "pk"),
            "history": entry_history(entry),
            "is_mentor": is_mentor_of(request.user, entry.pairing),
            "is_apprentice": is_apprentice_of(request.user, entry.pairing),
            "is_manager": is_manager(request.user),
            "can_change": check_entry_open(entry) is None,
            "confirm_form": ConfirmForm(initial={"reflection": entry.reflection}),
            "unlock_form": UnlockForm(),
        },
    )


@role_required(MENTOR, APPRENTICE)
@require_http_methods(["GET", "HEAD", "POST"])
def entry_delete(request, pk):
    entry = scoped_or_404(entry_rows(), request.user, pk=pk)
    pairing = entry.pairing
    if not is_mentor_of(request.user, pairing):
        raise PermissionDenied
    try:
        ensure_entry_open(entry)
        if request.method == "POST":
            delete_entry(entry, request.user)
            messages.success(request, _("The entry is deleted."))
            return redirect(pairing)
    except Refused as refusal:
        return refused(request, refusal, pairing, entry.get_absolute_url())
    return render(
        request,
        "academy/entry_delete.html",
        {"entry": entry, "pairing": pairing, "photo_count": entry.photos.count()},
    )
