"""Logbook entries: logging, changing, reading, confirming, unlocking and deleting."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.access import role_required, scoped_or_404
from core.roles import APPRENTICE, MENTOR, is_manager

from ..forms import ConfirmForm, EntryForm, UnlockForm
from ..services.access import is_apprentice_of, is_mentor_of
from ..services.logbook import (
    check_entry_open,
    confirm_entry,
    delete_entry,
    save_entry,
    unlock_entry,
)
from .common import (
    entry_rows,
    locked,
    pairing_rows,
    refuse,
    refused_page,
)


@role_required(MENTOR, APPRENTICE)
@require_http_methods(["GET", "HEAD", "POST"])
def entry_create(request, pk):
    pairing = scoped_or_404(pairing_rows(), request.user, pk=pk)
    if not is_mentor_of(request.user, pairing):
        raise PermissionDenied
    if not pairing.accepts_entries:
        message = _("This pairing is %(status)s: no more entries can be logged.") % {
            "status": pairing.get_status_display().lower()
        }
        return locked(request, pairing, message, pairing.get_absolute_url())
    return _entry_form(request, pairing, None)


@role_required(MENTOR, APPRENTICE)
@require_http_methods(["GET", "HEAD", "POST"])
def entry_edit(request, pk):
    entry = scoped_or_404(entry_rows(), request.user, pk=pk)
    if not is_mentor_of(request.user, entry.pairing):
        raise PermissionDenied
    refusal = check_entry_open(entry)
    if refusal:
        return locked(request, entry.pairing, refusal, entry.get_absolute_url())
    return _entry_form(request, entry.pairing, entry)


def _entry_form(request, pairing, entry):
    status = 200
    if request.method == "POST":
        form = EntryForm(request.POST, request.FILES, pairing=pairing, entry=entry)
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
                )
            except ValidationError as error:
                refuse(form, error)
            else:
                messages.success(
                    request,
                    _("Session of %(date)s saved: %(hours)s hours.")
                    % {"date": saved.date.isoformat(), "hours": saved.hours},
                )
                return redirect(pairing)
        status = 400
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
            "ratings": entry.ratings.select_related("competency"),
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
def entry_confirm(request, pk):
    entry = scoped_or_404(entry_rows(), request.user, pk=pk)
    if not is_apprentice_of(request.user, entry.pairing):
        raise PermissionDenied
    if entry.is_confirmed:
        return locked(
            request, entry.pairing, _("This entry is already confirmed."), entry.get_absolute_url()
        )
    form = ConfirmForm(
        request.POST if request.method == "POST" else None, initial={"reflection": entry.reflection}
    )
    if request.method == "POST" and form.is_valid():
        try:
            confirm_entry(entry, request.user, form.cleaned_data["reflection"])
        except ValidationError as error:
            refuse(form, error)
        else:
            messages.success(request, _("Thank you: the entry is confirmed and locked."))
            return redirect(entry.pairing)
    return render(
        request,
        "academy/entry_confirm.html",
        {
            "entry": entry,
            "pairing": entry.pairing,
            "form": form,
            "photos": entry.photos.all(),
            "ratings": entry.ratings.select_related("competency"),
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required(MENTOR, APPRENTICE)
@require_POST
def entry_unlock(request, pk):
    entry = scoped_or_404(entry_rows(), request.user, pk=pk)
    if not is_manager(request.user):
        raise PermissionDenied
    form = UnlockForm(request.POST)
    if form.is_valid():
        try:
            unlock_entry(entry, request.user, form.cleaned_data["reason"])
        except ValidationError as error:
            refuse(form, error)
        else:
            messages.success(request, _("The entry is unlocked; the mentor can correct it."))
            return redirect(entry)
    return render(
        request,
        "academy/entry_unlock.html",
        {"entry": entry, "pairing": entry.pairing, "form": form},
        status=400,
    )


@role_required(MENTOR, APPRENTICE)
@require_http_methods(["GET", "HEAD", "POST"])
def entry_delete(request, pk):
    entry = scoped_or_404(entry_rows(), request.user, pk=pk)
    if not is_mentor_of(request.user, entry.pairing):
        raise PermissionDenied
    refusal = check_entry_open(entry)
    if refusal:
        return locked(request, entry.pairing, refusal, entry.get_absolute_url())
    if request.method == "POST":
        pairing = entry.pairing
        try:
            delete_entry(entry, request.user)
        except ValidationError as error:
            return refused_page(
                request, pairing, " ".join(error.messages), entry.get_absolute_url()
            )
        messages.success(request, _("The entry is deleted."))
        return redirect(pairing)
    return render(
        request,
        "academy/entry_delete.html",
        {"entry": entry, "pairing": entry.pairing, "photo_count": entry.photos.count()},
    )
