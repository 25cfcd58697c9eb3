"""Managers keep the staff accounts without a shell: list, create, edit (roles, scope, active),
a first-login link to hand out, and the spreadsheet import. The person sets their own password
at the link (``FirstLoginView``)."""

import re

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from wagtail.log_actions import log

from .access import role_required
from .accounts import (
    STAFF_ROLES,
    account_scopes,
    first_login_path,
    link_days,
    staff_roles_of,
)
from .forms import AccountForm, SpreadsheetUploadForm
from .roles import MANAGER, ROLE_LABELS
from .spreadsheet_import import ImportRefused
from .spreadsheets import import_template_response
from .staff_import import import_staff, template_rows

manager_required = role_required()


def staff_accounts():
    """The accounts the pages keep: every one but the managers' and superusers'."""
    return (
        get_user_model()
        .objects.filter(is_superuser=False)
        .exclude(groups__name=MANAGER)
        .prefetch_related("groups")
    )


def _describe(user, scopes):
    user.role_labels = [ROLE_LABELS[role] for role in staff_roles_of(user)]
    user.scope_names = [
        scope.name_of(row)
        for role, scope in scopes.items()
        if role in staff_roles_of(user)
        for row in scope.of_user(user)
    ]
    return user


def _without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@manager_required
@require_safe
def account_list(request):
    accounts = staff_accounts().order_by("username")
    # Control characters cannot be in a name or login (and PostgreSQL refuses a NUL).
    query = re.sub(r"[\x00-\x1f\x7f]", "", request.GET.get("q", "")).strip()[:100]
    role = request.GET.get("role", "")
    if query:
        accounts = accounts.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(email__icontains=query)
        )
    if role in STAFF_ROLES:
        accounts = accounts.filter(groups__name=role)
    if request.GET.get("inactive") != "1":
        accounts = accounts.filter(is_active=True)
    page = Paginator(accounts.distinct(), 50).get_page(request.GET.get("page"))
    scopes = account_scopes()
    for user in page.object_list:
        _describe(user, scopes)
    return render(
        request,
        "core/accounts/list.html",
        {
            "page_obj": page,
            "q": query,
            "query": _without_page(request),
            "role": role,
            "roles": [(name, ROLE_LABELS[name]) for name in STAFF_ROLES],
            "show_inactive": request.GET.get("inactive") == "1",
        },
    )


def _account_form(request, user, template_title):
    posted = request.method == "POST"
    form = AccountForm(request.POST if posted else None, instance=user)
    if posted:
        if form.is_valid():
            created = user.pk is None
            was_active = user.pk is not None and get_user_model().objects.get(pk=user.pk).is_active
            account = form.save_account(request.user)
            log(account, "wagtail.create" if created else "wagtail.edit", user=request.user)
            if created:
                messages.success(
                    request,
                    _("Account %(login)s created: hand its first-login link to the person.")
                    % {"login": account.username},
                )
                return redirect("core:account_link", pk=account.pk)
            if was_active and not account.is_active:
                messages.success(
                    request,
                    _("Account %(login)s deactivated: it can no longer log in.")
                    % {"login": account.username},
                )
            else:
                messages.success(
                    request, _("Account %(login)s saved.") % {"login": account.username}
                )
            return redirect("core:accounts")
    return render(
        request,
        "core/accounts/form.html",
        {"form": form, "account": user if user.pk else None, "title": template_title},
        status=400 if posted else 200,
    )


@manager_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_new(request):
    return _account_form(request, get_user_model()(), _("New account"))


@manager_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_edit(request, pk):
    user = get_object_or_404(staff_accounts(), pk=pk)
    return _account_form(request, user, _("Account %(login)s") % {"login": user.username})


@manager_required
@require_safe
def account_link(request, pk):
    """The account's first-login link, to copy or print and hand to the person."""
    user = get_object_or_404(staff_accounts(), pk=pk, is_active=True)
    return render(
        request,
        "core/accounts/link.html",
        {
            "account": user,
            "link": request.build_absolute_uri(first_login_path(user)),
            "days": link_days(),
        },
    )


@manager_required
@require_POST
def account_deactivate(request, pk):
    user = get_object_or_404(staff_accounts(), pk=pk)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        log(user, "wagtail.edit", user=request.user, data={"is_active": False})
    messages.success(
        request,
        _("Account %(login)s deactivated: it can no longer log in.") % {"login": user.username},
    )
    return redirect("core:accounts")


@manager_required
@require_http_methods(["GET", "HEAD", "POST"])
def staff_import(request):
    """Upload a spreadsheet of staff accounts: all are created or updated, or none and every
    fault is listed (status 400). The result lists each new person's first-login link."""
    posted = request.method == "POST"
    form = SpreadsheetUploadForm(
        request.POST if posted else None, request.FILES if posted else None
    )
    problems, status = [], 200
    if posted:
        if form.is_valid():
            try:
                imported = import_staff(form.cleaned_data["file"], user=request.user)
            except ImportRefused as refusal:
                problems = refusal.problems
            else:
                for item in imported:
                    item.link = (
                        ""
                        if item.user.has_usable_password()
                        else request.build_absolute_uri(first_login_path(item.user))
                    )
                return render(
                    request,
                    "core/accounts/import_result.html",
                    {
                        "imported": imported,
                        "created": sum(item.created for item in imported),
                        "updated": sum(not item.created for item in imported),
                        "days": link_days(),
                    },
                )
        status = 400
    return render(
        request,
        "core/accounts/import.html",
        {"form": form, "problems": problems},
        status=status,
    )


@manager_required
@require_safe
def staff_import_template(request, export_format):
    headers, rows = template_rows()
    return import_template_response(
        export_format, _("Staff accounts to import"), headers, rows, fallback="accounts-import"
    )


class FirstLoginView(auth_views.PasswordResetConfirmView):
    """The person opens their one-time link and chooses their password; the link then stops
    working (its token was made from the password it replaces)."""

    template_name = "registration/first_login.html"
    success_url = reverse_lazy("login")
    title = gettext_lazy("Choose your password")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set: log in with it."))
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response
