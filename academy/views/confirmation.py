"""The apprentice confirms an entry, which locks it; a manager unlocks it for a correction."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.access import role_required, scoped_or_404
from core.refusals import Refused
from core.roles import APPRENTICE, MENTOR, is_manager

from ..forms import ConfirmForm, UnlockForm
from ..services.access import is_apprentice_of
from ..services.logbook import confirm_entry, unlock_entry
from .common import entry_rows, refused


@role_required(MENTOR, APPRENTICE)
@require_http_methods(["GET", "HEAD", "POST"])
def entry_confirm(request, pk):
    entry = scoped_or_404(entry_rows(), request.user, pk=pk)
    if not is_apprentice_of(request.user, entry.pairing):
        raise PermissionDenied
    if entry.is_confirmed:
        refusal = Refused(_("This entry is already confirmed."))
        return refused(request, refusal, entry.pairing, entry.get_absolute_url())
    form = ConfirmForm(
        request.POST if request.method == "POST" else None, initial={"reflection": entry.reflection}
    )
    if request.method == "POST" and form.is_valid():
        try:
            confirm_entry(entry, request.user, form.cleaned_data["reflection"])
        except Refused as refusal:
            refusal.add_to(form)
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
        except Refused as refusal:
            refusal.add_to(form)
        else:
            messages.success(request, _("The entry is unlocked; the mentor can correct it."))
            return redirect(entry)
    return render(
        request,
        "academy/entry_unlock.html",
        {"entry": entry, "pairing": entry.pairing, "form": form},
        status=400,
    )
