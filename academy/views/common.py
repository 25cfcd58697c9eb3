"""What the workspace views share: who may open them, the object in scope, refusals.

Within the roles, scope comes from the data: outside one's scope is a 404.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from core import roles

from ..models import Pairing
from ..services.access import entries_for_user

WORKSPACE_ROLES = (roles.MENTOR, roles.APPRENTICE, roles.MANAGER)


def workspace_view(view):
    """Logged in, and a mentor, an apprentice or a manager: anyone else gets a 403.

    Within the roles, scope comes from the data: another's pairing is a 404.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not roles.has_role(request.user, *WORKSPACE_ROLES):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def refused_page(request, pairing, message, back, status=400):
    """A refusal page: what was refused, why, and the way back (nothing is saved)."""
    return render(
        request,
        "academy/refused.html",
        {"pairing": pairing, "message": message, "back": back},
        status=status,
    )


def scoped_pairings(user):
    return (
        Pairing.objects.for_user(user)
        .with_totals()
        .select_related("mentor", "apprentice", "trade", "studio", "certificate")
    )


def pairing_or_404(user, pk):
    return get_object_or_404(scoped_pairings(user), pk=pk)


def entry_or_404(user, pk):
    return get_object_or_404(
        entries_for_user(user).select_related(
            "pairing", "pairing__mentor", "pairing__apprentice", "pairing__trade", "confirmed_by"
        ),
        pk=pk,
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
