"""Who may open a workspace view, and which object they get: one helper for every app.

``role_required(*roles)``: logged in and holding one of the roles (managers hold every role's
rights unless ``managers=False``), or 403. ``scoped_or_404(rows, user, **lookup)``: the
object inside the user's scope, through the model's ``for_user`` queryset (the same scope the
admin's permission policies use), or 404: another person's data is never told apart from
data that does not exist.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.shortcuts import get_object_or_404

from .roles import MANAGER, has_role


def role_required(*roles, managers=True):
    """``managers=False`` for work that is a role's own (a craftsman's lesson drafts)."""
    allowed = (MANAGER, *roles) if managers else roles

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def scoped(rows, user):
    """A model or queryset narrowed to the rows ``user`` may see."""
    if isinstance(rows, type) and issubclass(rows, Model):
        rows = rows._default_manager.all()
    return rows.for_user(user)


def scoped_or_404(rows, user, **lookup):
    return get_object_or_404(scoped(rows, user), **lookup)
