"""What the workspace views share: the rows they read, and how they refuse.

Who may open a view: ``core.access.role_required`` (mentors, apprentices; managers always).
Which object they get: ``core.access.scoped_or_404`` over these rows, through each model's
``for_user`` scope: outside one's scope is a 404.
"""

from django.contrib import messages
from django.shortcuts import redirect, render

from ..models import LogEntry, Pairing


def pairing_rows():
    """Pairings with their totals and what their pages show."""
    return Pairing.objects.with_totals().select_related(
        "mentor", "apprentice", "trade", "studio", "certificate"
    )


def entry_rows():
    """Entries with their pairing and who confirmed them."""
    return LogEntry.objects.select_related(
        "pairing", "pairing__mentor", "pairing__apprentice", "pairing__trade", "confirmed_by"
    )


def refused_page(request, pairing, message, back, status=400):
    """A refusal page: what was refused, why, and the way back (nothing is saved)."""
    return render(
        request,
        "academy/refused.html",
        {"pairing": pairing, "message": message, "back": back},
        status=status,
    )


def refuse(form, error):
    """Copy a service's ValidationError onto a form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(
                    field if field in form.fields and field != "__all__" else None, message
                )
    else:
        for message in error.messages:
            form.add_error(None, message)


def locked(request, pairing, message, back):
    """A locked entry or a closed pairing: a GET goes back with the message, a POST is a 400."""
    if request.method == "POST":
        return refused_page(request, pairing, message, back)
    messages.error(request, message)
    return redirect(back)
