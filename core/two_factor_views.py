"""The admin pages of two-step login: turning it on or off, and entering the code after the
password. The rules are in ``core.two_factor``; the URLs are registered in ``wagtail_hooks``."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import two_factor
from .forms import SecondFactorCodeForm
from .refusals import Refused


class ManageView(WagtailAdminTemplateMixin, View):
    """Two-step login off: a QR code, the secret and the first code turn it on. On: a current
    code turns it off."""

    template_name = "core/two_factor/manage.html"
    page_title = _("Two-step login")
    header_icon = "key"

    def get_breadcrumbs_items(self):
        return super().get_breadcrumbs_items() + [
            {"url": reverse("wagtailadmin_account"), "label": _("Account")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request):
        return self.show(SecondFactorCodeForm())

    def post(self, request):
        form = SecondFactorCodeForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                if two_factor.has_second_factor(request.user):
                    two_factor.turn_off(request, form.cleaned_data["code"])
                    messages.success(request, _("Two-step login is off."))
                else:
                    two_factor.confirm_setup(request, form.cleaned_data["code"])
                    messages.success(
                        request,
                        _("Two-step login is on: each new login to the admin asks for a code."),
                    )
                return redirect("core_two_factor")
            except Refused as refusal:
                refusal.add_to(form)
                status = refusal.status
        return self.show(form, status=status)

    def show(self, form, status=200):
        user = self.request.user
        context = self.get_context_data(form=form, enabled=two_factor.has_second_factor(user))
        if not context["enabled"]:
            device = two_factor.pending_device(user)
            context["qr_code"] = two_factor.qr_code_svg(device)
            context["secret"] = two_factor.secret_text(device)
        return self.render_to_response(context, status=status)


@never_cache
def verify(request):
    """After the password: the code of the user's device, before any admin page."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if (
        not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        or urlsplit(next_url).path == request.path
    ):
        next_url = reverse("wagtailadmin_home")
    if not two_factor.must_verify_user(request.user):
        return redirect(next_url)
    form = SecondFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                two_factor.verify_session(request, form.cleaned_data["code"])
                return redirect(next_url)
            except two_factor.SessionEnded:
                messages.error(request, two_factor.SESSION_ENDED)
                return redirect("wagtailadmin_login")
            except Refused as refusal:
                refusal.add_to(form)
                status = refusal.status
    return TemplateResponse(
        request, "core/two_factor/verify.html", {"form": form, "next": next_url}, status=status
    )


urlpatterns = [
    path("2fa/", never_cache(ManageView.as_view()), name="core_two_factor"),
    path("2fa/verify/", verify, name="core_two_factor_verify"),
]
