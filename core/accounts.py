"""Staff accounts as managers keep them: a role (a group), a scope, active or not, and the
one-time link with which a new person sets their own first password.

A role's scope is data of the app it belongs to (a teacher's kindergartens, a craftsman's
crafts). Apps describe it with an ``AccountScope`` returned from the ``register_account_scopes``
hook, so the accounts pages and the staff import set it without knowing the models.

Accounts are never deleted (their logbooks, rolls and scores keep their author): a manager
deactivates them, and a deactivated account cannot log in.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from wagtail import hooks

from . import roles

SCOPE_HOOK = "register_account_scopes"

# The roles a manager gives with the accounts pages and the staff import. Managers' and
# superusers' accounts are kept by a superuser (``createsuperuser``, the admin's Users), never
# from these pages or a spreadsheet.
STAFF_ROLES = (
    roles.TEACHER,
    roles.CRAFTSMAN,
    roles.MENTOR,
    roles.APPRENTICE,
    roles.ORGANIZER,
    roles.JUDGE,
)
# What a spreadsheet may write for each role, besides the role's own label.
ROLE_WORDS = {
    roles.TEACHER: ("教师", "老师", "幼儿园教师", "teacher"),
    roles.CRAFTSMAN: ("非遗传承人", "传承人", "非遗匠人", "craftsman"),
    roles.MENTOR: ("导师", "师傅", "mentor"),
    roles.APPRENTICE: ("学徒", "徒弟", "apprentice"),
    roles.ORGANIZER: ("组织者", "竞赛组织者", "organizer", "organiser"),
    roles.JUDGE: ("评委", "裁判", "judge"),
}
SEPARATORS = re.compile(r"\s*[、,，;；/]\s*")


@dataclass
class AccountScope:
    """What a role may touch: ``rows()`` to choose from, each found by ``name_of(row)``;
    ``of_user(user)`` the rows a person has, ``assign(user, rows, by)`` gives exactly those."""

    role: str
    label: str
    rows: Callable
    name_of: Callable
    of_user: Callable
    assign: Callable


def account_scopes():
    """The scopes the apps register, by role."""
    found = {}
    for hook in hooks.get_hooks(SCOPE_HOOK):
        for scope in hook():
            found[scope.role] = scope
    return found


def split_cell(text):
    return [part for part in SEPARATORS.split(text.strip()) if part]


def role_lookup():
    """Every word a spreadsheet may use for a staff role, lower-cased, to the role."""
    lookup = {}
    for role in STAFF_ROLES:
        with translation.override("en"):
            english = str(roles.ROLE_LABELS[role])
        for word in (*ROLE_WORDS[role], role, english, str(roles.ROLE_LABELS[role])):
            lookup[word.lower()] = role
    return lookup


def staff_roles_of(user):
    return [role for role in STAFF_ROLES if role in roles.user_roles(user)]


def set_roles(user, role_names):
    """Give ``user`` exactly these staff roles (other groups stay)."""
    from django.contrib.auth.models import Group

    user.groups.remove(*Group.objects.filter(name__in=STAFF_ROLES).exclude(name__in=role_names))
    user.groups.add(*Group.objects.filter(name__in=role_names))
    user._role_names = None


def first_login_path(user):
    """The one-time address where ``user`` sets their password: it stops working once a
    password is set (the token is made from the current one) or after
    ``PASSWORD_RESET_TIMEOUT``."""
    return reverse(
        "core:first_login",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )


def first_login_url(user):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + first_login_path(user)


def link_days():
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
