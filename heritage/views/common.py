"""What the heritage views share: the form methods and the craftsmen's own views."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.views.decorators.http import require_http_methods

from core.access import role_required
from core.roles import CRAFTSMAN, has_role

require_form_methods = require_http_methods(["GET", "HEAD", "POST"])


def craftsman_required(view):
    """Logged in and a craftsman, or 403: a craftsman's own lesson drafts.

    Unlike role_required, managers do not pass: they review lessons in the Wagtail admin and
    have no craft of their own to draft for.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not has_role(request.user, CRAFTSMAN):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return role_required(CRAFTSMAN)(wrapped)
