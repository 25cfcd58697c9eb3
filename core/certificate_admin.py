"""Certificates in the Wagtail admin: managers list and inspect them, and revoke or reissue one
with a reason. A certificate's content is never edited: a correction is a reissue."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button, HeaderButton

from core.admin_exports import SnippetIndexView
from core.admin_scope import ScopedPermissionPolicy, ScopedSnippetViewSet

from .certificates import CertificateRefused, reissue_certificate, revoke_certificate
from .models import Certificate
from .roles import is_manager


class CertificatePolicy(ScopedPermissionPolicy):
    """Managers view certificates and revoke or reissue them; nobody adds, edits or deletes one
    here (issuing belongs to the pairing's completion and the contest's final results)."""

    ALLOWED = ("view", "revoke")

    def user_has_permission(self, user, action):
        return action in self.ALLOWED and user.is_active and is_manager(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the public verification page and kept in the history."),
        error_messages={"required": _("Give the reason for revoking the certificate.")},
    )


class CertificateActionView(WagtailAdminTemplateMixin, FormView):
    """Revoke (or reissue) one valid certificate: a reason is required."""

    form_class = ReasonForm
    template_name = "core/admin/certificate_action.html"
    header_icon = "doc-full"
    viewset = None

    def dispatch(self, request, pk):
        if not CertificatePolicy(Certificate).user_has_permission(request.user, "revoke"):
            raise PermissionDenied
        self.object = get_object_or_404(Certificate, pk=pk)
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.viewset.get_url_name("list")), "label": _("Certificates")},
            {
                "url": reverse(self.viewset.get_url_name("inspect"), args=[self.object.pk]),
                "label": str(self.object),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            object=self.object,
            action_url=self.request.path,
            submit_button_label=self.submit_label,
            submit_button_active_label=self.submit_label,
            explanation=self.explanation,
            **kwargs,
        )

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        try:
            result = self.act(form.cleaned_data["reason"])
        except CertificateRefused as refusal:
            form.add_error(None, str(refusal))
            return self.form_invalid(form)
        messages.success(self.request, self.done_message(result))
        return redirect(self.viewset.get_url_name("inspect"), result.pk)


class RevokeView(CertificateActionView):
    page_title = _("Revoke certificate")
    submit_label = _("Revoke")
    explanation = _(
        "The certificate stays verifiable by its code, marked revoked with this reason; "
        "its files are no longer public."
    )

    def act(self, reason):
        with transaction.atomic():
            certificate = Certificate.objects.select_for_update().get(pk=self.object.pk)
            revoke_certificate(certificate, reason, user=self.request.user)
        return certificate

    def done_message(self, result):
        return _("Certificate %(code)s revoked.") % {"code": result.code}


class ReissueView(CertificateActionView):
    page_title = _("Reissue certificate")
    submit_label = _("Reissue")
    explanation = _(
        "The certificate is revoked with this reason and a new one with the same content and "
        "a new code is issued; the old code's verification page points to the new one."
    )

    def act(self, reason):
        return reissue_certificate(self.object, reason, user=self.request.user)

    def done_message(self, result):
        return _("Certificate %(old)s reissued as %(new)s.") % {
            "old": self.object.code,
            "new": result.code,
        }


def action_urls(certificate, viewset):
    if not certificate.is_valid:
        return []
    return [
        (_("Revoke"), reverse(viewset.get_url_name("revoke"), args=[certificate.pk]), "cross"),
        (_("Reissue"), reverse(viewset.get_url_name("reissue"), args=[certificate.pk]), "resubmit"),
    ]


class CertificateIndexView(SnippetIndexView):
    viewset_for_actions = None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if CertificatePolicy(Certificate).user_has_permission(self.request.user, "revoke"):
            for priority, (label, url, icon) in enumerate(
                action_urls(instance, self.viewset_for_actions), start=40
            ):
                buttons.append(Button(label, url=url, icon_name=icon, priority=priority))
        return buttons


class CertificateInspectView(ScopedSnippetViewSet.inspect_view_class):
    viewset_for_actions = None

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if CertificatePolicy(Certificate).user_has_permission(self.request.user, "revoke"):
            for priority, (label, url, icon) in enumerate(
                action_urls(self.object, self.viewset_for_actions), start=10
            ):
                buttons.append(HeaderButton(label, url=url, icon_name=icon, priority=priority))
        return buttons


class CertificateHistoryView(ScopedSnippetViewSet.history_view_class):
    any_permission_required = ["view"]


class CertificateViewSet(ScopedSnippetViewSet):
    model = Certificate
    icon = "doc-full"
    menu_label = _("Certificates")
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateInspectView
    history_view_class = CertificateHistoryView
    inspect_view_enabled = True
    list_display = [
        "code",
        "recipient_name",
        "title",
        "kind",
        "issued_on",
        Column("revoked_at", label=_("revoked at"), sort_key="revoked_at"),
    ]
    list_filter = ["kind", "issued_on"]
    search_fields = ["code", "recipient_name", "title"]
    list_export = ["code", "kind", "recipient_name", "title", "issued_on", "issuer", "revoked_at"]
    inspect_view_fields = [
        "code",
        "kind",
        "recipient_name",
        "title",
        "details",
        "issued_on",
        "issuer",
        "revoked_at",
        "revoked_reason",
        "replaced_by",
    ]

    def __init__(self, *args, **kwargs):
        from wagtail.permissions import register_permission_policy

        register_permission_policy(Certificate, CertificatePolicy(Certificate), exact_class=True)
        super().__init__(*args, **kwargs)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(viewset_for_actions=self, **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(viewset_for_actions=self, **kwargs)

    @property
    def revoke_view(self):
        return RevokeView.as_view(viewset=self)

    @property
    def reissue_view(self):
        return ReissueView.as_view(viewset=self)

    # A certificate is never added, edited, copied or deleted here: those screens do not exist.
    copy_view_enabled = False
    WITHOUT = ("add", "edit", "delete")

    @property
    def url_finder_class(self):
        viewset = self

        class CertificateURLFinder(ModelAdminURLFinder):
            """Links to a certificate (the site history, searches) open its inspect page."""

            def get_edit_url(self, instance):
                if self.user and not CertificatePolicy(Certificate).user_has_permission(
                    self.user, "view"
                ):
                    return None
                return reverse(viewset.get_url_name("inspect"), args=[instance.pk])

        return CertificateURLFinder

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in self.WITHOUT:
            view_kwargs[f"{name}_url_name"] = None
        return view_kwargs

    def get_urlpatterns(self):
        kept = [p for p in super().get_urlpatterns() if p.name not in self.WITHOUT]
        return kept + [
            path("revoke/<int:pk>/", self.revoke_view, name="revoke"),
            path("reissue/<int:pk>/", self.reissue_view, name="reissue"),
        ]
