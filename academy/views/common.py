"""What the workspace views share: the rows they read, and the refusal without a form.

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


def refused(request, refusal, pairing, back):
    """A refusal with no form to show it beside: a locked entry, a closed pairing.

    A GET goes back to ``back`` with the message; a POST answers the refusal page (400): what
    was refused, why, that nothing was saved, and the way back.
    """
    if request.method == "POST":
        return render(
            request,
            "academy/refused.html",
            {"pairing": pairing, "message": refusal.message, "back": back},
            status=refusal.status,
        )
    messages.error(request, refusal.message)
    return redirect(back)
