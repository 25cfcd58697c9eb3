"""Staff accounts from a spreadsheet (CSV or XLSX, Chinese or English headers), all or nothing.

Each row names a person, their login (账号), optionally an email, their role or roles and,
for a teacher or a craftsman, their scope: kindergartens or crafts by name. A row whose login
exists updates that account (name, email, roles, and the scope when the cell is filled); the
others create an account without a password, whose first-login link the import lists (and
emails, when the row has an address). Managers' and superusers' accounts are never changed
from a file. Every bad row and column is named and nothing is saved unless every row is good.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from . import roles
from .accounts import (
    ROLE_WORDS,
    STAFF_ROLES,
    account_scopes,
    role_lookup,
    set_roles,
    split_cell,
)
from .spreadsheet_import import ImportRefused, Problem, parse_table, read_rows

HEADERS = {
    "name": ("姓名", "name"),
    "username": ("账号", "username", "login", "登录名"),
    "email": ("邮箱", "email", "电子邮箱"),
    "role": ("角色", "role"),
    "scope": ("范围", "scope"),
}
REQUIRED = ("name", "username", "role")


def template_rows():
    headers = [aliases[0] for aliases in HEADERS.values()]
    example = ["沈老师", "shenlaoshi", "shen@example.cn", "教师", "桃源幼儿园"]
    return headers, [example]


def known_roles():
    return "、".join(ROLE_WORDS[role][0] for role in STAFF_ROLES)


@dataclass
class Imported:
    user: object
    created: bool
    roles: list
    scope: list = field(default_factory=list)


class Row:
    def __init__(self, number, values, headers):
        self.number, self.values, self.headers = number, values, headers
        self.problems = []

    def refuse(self, key, message):
        self.problems.append(Problem(self.number, self.headers[key], message))

    def text(self, key):
        return self.values.get(key, "")


def import_staff(upload, user=None):
    """Create or update the accounts of a file. Returns an ``Imported`` per row."""
    table = parse_table(read_rows(upload), HEADERS, REQUIRED)
    User = get_user_model()
    words = role_lookup()
    scopes = account_scopes()
    scope_rows = {
        role: {scope.name_of(row): row for row in scope.rows()} for role, scope in scopes.items()
    }
    accounts = {user.username.lower(): user for user in User.objects.all()}
    protected = set(
        User.objects.filter(Q(is_superuser=True) | Q(groups__name=roles.MANAGER)).values_list(
            "pk", flat=True
        )
    )
    rows, problems, seen, crafts_given = [], [], {}, {}
    for number, values in table.rows:
        row = Row(number, values, table.headers)
        username = row.text("username")
        row.user = None
        if not username:
            row.refuse("username", _("This cell is empty."))
        else:
            try:
                UnicodeUsernameValidator()(username)
                if len(username) > 150:
                    raise ValidationError("")
            except ValidationError:
                row.refuse(
                    "username",
                    _("A login has at most 150 letters, digits and the signs @ . + - _."),
                )
            other = seen.setdefault(username.lower(), number)
            if other != number:
                row.refuse(
                    "username",
                    _("The login %(login)s is also on row %(other)s.")
                    % {"login": username, "other": other},
                )
            existing = accounts.get(username.lower())
            if existing is not None and existing.username != username:
                row.refuse(
                    "username",
                    _("The account %(login)s exists: write its login the same way.")
                    % {"login": existing.username},
                )
            elif existing is not None and existing.pk in protected:
                row.refuse(
                    "username",
                    _("This is a manager's account: it is not changed from a file."),
                )
            row.user = existing
        name = row.text("name")
        if not name:
            row.refuse("name", _("This cell is empty."))
        elif len(name) > 150:
            row.refuse("name", _("Too long (at most %(n)s characters).") % {"n": 150})
        email = row.text("email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row.refuse("email", _("Not an email address."))
        row.roles = []
        for word in split_cell(row.text("role")):
            role = words.get(word.lower())
            if role is None:
                row.refuse(
                    "role",
                    _("Unknown role “%(role)s” (the roles: %(known)s).")
                    % {"role": word, "known": known_roles()},
                )
            elif role not in row.roles:
                row.roles.append(role)
        if not row.text("role"):
            row.refuse("role", _("This cell is empty."))
        row.scope = _read_scope(row, scopes, scope_rows, crafts_given)
        problems.extend(row.problems)
        rows.append(row)
    if problems:
        raise ImportRefused(problems)
    with transaction.atomic():
        return [_save(row, scopes, user) for row in rows]


def _read_scope(row, scopes, scope_rows, given):
    """{role: [rows]} of the scope cell, or None when it is empty."""
    names = split_cell(row.text("scope"))
    if not names:
        return None
    scoped = [role for role in row.roles if role in scopes]
    if not scoped:
        if row.roles:
            row.refuse("scope", _("These roles have no scope: leave this cell empty."))
        return None
    found = {role: [] for role in scoped}
    for name in names:
        matches = [(role, scope_rows[role][name]) for role in scoped if name in scope_rows[role]]
        if not matches:
            known = "、".join(sorted(n for role in scoped for n in scope_rows[role])[:10]) or "—"
            row.refuse(
                "scope",
                _("Unknown %(what)s “%(name)s” (known: %(known)s).")
                % {
                    "what": "、".join(str(scopes[role].label) for role in scoped),
                    "name": name,
                    "known": known,
                },
            )
            continue
        for role, target in matches:
            found[role].append(target)
            if role == roles.CRAFTSMAN:
                # A craft has one craftsman: two rows cannot both claim it.
                other = given.setdefault(target.pk, (row.text("username"), row.number))
                if other[0] != row.text("username"):
                    row.refuse(
                        "scope",
                        _("%(name)s is given to another craftsman on row %(other)s.")
                        % {"name": name, "other": other[1]},
                    )
    return found


def _save(row, scopes, by):
    User = get_user_model()
    user = row.user
    created = user is None
    if created:
        user = User(username=row.text("username"))
        user.set_unusable_password()
    user.first_name, user.last_name = row.text("name"), ""
    if row.text("email"):
        user.email = row.text("email")
    user.save()
    set_roles(user, row.roles)
    scope_names = []
    for role, targets in (row.scope or {}).items():
        scopes[role].assign(user, targets, by)
    for role in row.roles:
        if role in scopes:
            scope_names += [scopes[role].name_of(target) for target in scopes[role].of_user(user)]
    log(user, "wagtail.create" if created else "wagtail.edit", user=by, data={"source": "import"})
    if created and user.email:
        from .outbox import enqueue
        from .tasks import send_first_login_email

        enqueue(send_first_login_email, user.pk)
    return Imported(user, created, [roles.ROLE_LABELS[role] for role in row.roles], scope_names)
