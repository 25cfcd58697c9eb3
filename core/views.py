from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from . import health, private_media, wecom
from .certificates import may_open, render_certificate
from .forms import SearchForm, VerifyCertificateForm, WeComAccountForm
from .models import Certificate, PendingPhoto, WeComAccount
from .photos import thumbnail_jpeg
from .refusals import Refused
from .roles import ROLE_DESCRIPTIONS, ROLE_LABELS, is_manager, user_roles
from .search import normalise, suggestions
from .search import search as run_search
from .workspace import workspace_items


@login_required
def workspace(request):
    roles = user_roles(request.user)
    return render(
        request,
        "core/workspace.html",
        {
            "roles": [
                {"label": ROLE_LABELS[role], "description": ROLE_DESCRIPTIONS[role]}
                for role in ROLE_LABELS
                if role in roles
            ],
            "items": workspace_items(request),
        },
    )


@never_cache
def admin_logout(request):
    """The admin's logout, also for a GET (an old bookmark, a typed address).

    Wagtail's own view answers a GET by deleting the browser's cookie while the session stays
    valid on the server; here every logout ends the session itself."""
    from django.contrib.auth import logout
    from wagtail.admin.views.account import LogoutView

    if request.method == "POST":
        return LogoutView.as_view()(request)
    logout(request)
    return redirect("wagtailadmin_login")


def _may_see_health_details(request):
    if health.token_matches(request):
        return True
    try:
        return is_manager(request.user)
    except Exception:  # noqa: BLE001 - the database may be what is down
        return False


@never_cache
@require_safe
def healthz(request):
    """ok or failing for anyone; which check failed, and why, for a manager or a monitor that
    sends the HEALTHZ_TOKEN in an X-Healthz-Token header."""
    checks = health.run_checks()
    healthy = all(check["ok"] for check in checks.values())
    body = {"status": "ok" if healthy else "failing"}
    if _may_see_health_details(request):
        body.update(checks)
    return JsonResponse(
        body, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False}
    )


@require_safe
def search(request):
    """The public site search (``?q=``): results grouped by kind, or a word to try."""
    raw = request.GET.get("q", "")
    form = SearchForm({"q": normalise(raw)[:200]})
    form.is_valid()
    status, results = 200, None
    try:
        results = run_search(request, raw)
    except Refused as refusal:
        refusal.add_to(form)
        status = refusal.status
    context = {"form": form, "results": results, "query": ""}
    if results is not None:
        context["query"] = f"q={quote(results.query)}"
    elif status == 200:
        context["suggestions"] = suggestions()
    return render(request, "core/search.html", context, status=status)


def verify(request):
    """The public certificate check: type a code, or arrive from a QR code."""
    form = VerifyCertificateForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect("core:verify_code", code=form.cleaned_data["code"])
    status = 400 if request.GET else 200
    return render(request, "core/verify.html", {"form": form}, status=status)


def verify_code(request, code):
    form = VerifyCertificateForm({"code": code})
    if not form.is_valid():
        return render(request, "core/verify.html", {"form": form}, status=400)
    certificate = (
        Certificate.objects.select_related("replaced_by")
        .filter(code=form.cleaned_data["code"])
        .first()
    )
    if certificate is None:
        return render(
            request,
            "core/verify.html",
            {"form": form, "not_found": True},
            status=404,
        )
    may_download = certificate.is_rendered and may_open(request.user, certificate)
    return render(
        request,
        "core/verify.html",
        {"form": form, "certificate": certificate, "may_download": may_download},
    )


@require_safe
def certificate_file(request, code, kind):
    """A certificate's PNG or PDF, streamed (or handed to nginx): a valid one for anyone with
    its code, drawn now if the background task has not yet; a revoked one only within scope
    (``core.certificates.may_open``), for the record. Never a link into the media folder."""
    certificate = get_object_or_404(Certificate, code=code)
    if not may_open(request.user, certificate):
        raise Http404
    if not certificate.is_rendered:
        if not certificate.is_valid:
            raise Http404("never drawn")
        render_certificate(certificate)
    field = certificate.png if kind == "png" else certificate.pdf
    cache = "private, max-age=3600" if certificate.is_valid else "private, no-store"
    return private_media.serve(field, cache_control=cache, download_name=f"{code}.{kind}")


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("core:workspace")
    success_message = _("Your password has been changed.")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "wecom_enabled": wecom.is_configured()}

    def form_invalid(self, form):
        """A refused change answers 400, like every refused form of the site."""
        response = super().form_invalid(form)
        response.status_code = 400
        return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def wecom_account(request):
    """The signed-in user's own WeCom userid, to receive logbook notices in 企业微信 too.

    Only ever the user's own: the account is looked up by ``request.user``, never by an id
    from the request. Without the WECOM_* settings the page says the channel is off."""
    if not wecom.is_configured():
        if request.method == "POST":
            raise Http404("WeCom is not configured")
        return render(request, "core/wecom_account.html", {"enabled": False})
    account = WeComAccount.objects.filter(user=request.user).first()
    initial = {"userid": account.userid if account else ""}
    if request.method != "POST":
        form = WeComAccountForm(initial=initial)
        return render(
            request, "core/wecom_account.html", {"enabled": True, "form": form, "account": account}
        )
    data = {"userid": "" if "remove" in request.POST else request.POST.get("userid", "")}
    form = WeComAccountForm(data)
    if not form.is_valid():
        return render(
            request,
            "core/wecom_account.html",
            {"enabled": True, "form": form, "account": account},
            status=400,
        )
    userid = form.cleaned_data["userid"]
    if userid:
        WeComAccount.objects.update_or_create(user=request.user, defaults={"userid": userid})
        messages.success(
            request,
            gettext("WeCom notices now go to %(userid)s, as well as email.") % {"userid": userid},
        )
    elif account is not None:
        account.delete()
        messages.success(request, gettext("WeCom notices are off: notices come by email only."))
    return redirect("core:wecom_account")


@require_safe
@login_required
def pending_photo(request, token):
    """A small picture of a photo kept for a refused form, for its uploader only."""
    pending = PendingPhoto.objects.for_user(request.user).filter(token=token).first()
    if pending is None:
        raise Http404
    try:
        with pending.file.open("rb") as handle:
            data = thumbnail_jpeg(handle)
    except OSError as error:
        raise Http404("photo missing") from error
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
