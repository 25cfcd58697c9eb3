from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet

from . import two_factor, two_factor_views, wecom
from .admin_scope import hide_private_media
from .certificates import REISSUE, REPLACE, REVOKE
from .roles import MANAGER, ORGANIZER, has_role, is_manager
from .viewsets import CalendarDayViewSet
from .workspace import HOOK_NAME, WorkspaceItem


@hooks.register(HOOK_NAME)
def core_workspace_items(request):
    if has_role(request.user, MANAGER, ORGANIZER):
        yield WorkspaceItem(
            title=_("Edit the site"),
            url=reverse("wagtailadmin_home"),
            description=_("Pages, images and documents in the Wagtail admin."),
            section=_("Site"),
            order=900,
        )
    if is_manager(request.user):
        yield WorkspaceItem(
            title=_("Accounts"),
            url=reverse("core:accounts"),
            description=_(
                "Create, import and deactivate staff accounts; give their role and scope."
            ),
            section=_("Site"),
            order=910,
        )
    yield WorkspaceItem(
        title=_("Change my password"),
        url=reverse("core:password_change"),
        description=_("Choose a new password for your account."),
        section=_("Account"),
        order=990,
    )
    if wecom.is_configured():
        yield WorkspaceItem(
            title=_("Notices in WeCom"),
            url=reverse("core:wecom_account"),
            description=_("Receive logbook notices in 企业微信 as well as by email."),
            section=_("Account"),
            order=991,
        )
    yield WorkspaceItem(
        title=_("Verify a certificate"),
        url=reverse("core:verify"),
        description=_("Check a certificate by its code."),
        section=_("Site"),
        order=950,
    )


class ManagerMenuItem(MenuItem):
    def is_shown(self, request):
        return is_manager(request.user)


@hooks.register("register_admin_menu_item")
def accounts_menu_item():
    # Staff accounts with their role and scope, and their import, on the workspace pages.
    return ManagerMenuItem(
        _("Staff accounts"), reverse("core:accounts"), icon_name="group", order=850
    )


# Choosers put images and documents into pages: private ones are never offered.
hooks.register("construct_image_chooser_queryset", hide_private_media)
hooks.register("construct_document_chooser_queryset", hide_private_media)


# Two-step login: its pages under /admin/2fa/ (admin access required), and a link to them on the
# account page's "More actions" tab.
@hooks.register("register_admin_urls")
def two_factor_urls():
    return two_factor_views.urlpatterns


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    enabled = two_factor.has_second_factor(request.user)
    return {
        "url": reverse("core_two_factor"),
        "label": _("Two-step login"),
        "help_text": (
            _("On: the admin asks for a code from your phone after the password.")
            if enabled
            else _("Off: turn it on so the admin also asks for a code from your phone.")
        ),
    }


# The official calendar that scheduling reads; managers enter a year when it is published.
register_snippet(CalendarDayViewSet)


class RevokeCertificate(LogFormatter):
    label = _("Revoke certificate")

    def format_message(self, log_entry):
        return _("Certificate revoked: %(reason)s") % {
            "reason": (log_entry.data or {}).get("reason", "")
        }


class ReissueCertificate(LogFormatter):
    label = _("Reissue certificate")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return _("Certificate %(old)s reissued as %(new)s: %(reason)s") % {
            "old": data.get("old", ""),
            "new": data.get("new", ""),
            "reason": data.get("reason", ""),
        }


class ReplaceCertificate(LogFormatter):
    label = _("Issue a certificate in place of another")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return _("Issued in place of certificate %(old)s: %(reason)s") % {
            "old": data.get("old", ""),
            "reason": data.get("reason", ""),
        }


@hooks.register("register_log_actions")
def register_certificate_log_actions(actions):
    actions.register_action(REPLACE)(ReplaceCertificate)
    actions.register_action(REVOKE)(RevokeCertificate)
    actions.register_action(REISSUE)(ReissueCertificate)
