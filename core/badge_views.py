"""The Open Badges addresses of the site (core.open_badges): each certificate's credential,
signed and unsigned, its status, and the issuer profile with the public key.

All of it is public, as the verification page is, and readable from other sites' pages
(a verifier's or a wallet's script), hence ``Access-Control-Allow-Origin: *``. A revoked
certificate keeps its credential, so a verifier holding one can see from its status that it
no longer stands."""

import json

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import open_badges
from .forms import VerifyCertificateForm
from .models import Certificate, site_identity_for_request


class _NotFound(Exception):
    pass


def _certificate(code):
    """The certificate of an exact code from the address (as printed), or _NotFound: a
    malformed code is as unknown as a code no certificate has."""
    form = VerifyCertificateForm({"code": code})
    if not form.is_valid() or form.cleaned_data["code"] != code:
        raise _NotFound
    certificate = Certificate.objects.select_related("replaced_by").filter(code=code).first()
    if certificate is None:
        raise _NotFound
    return certificate


def _not_found():
    return _public(
        JsonResponse({"error": _("No certificate has this code")}, status=404),
        "no-store",
    )


def _public(response, cache_control):
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = cache_control
    return response


def _caching(certificate):
    # A valid certificate's credential may be kept a while; a revoked one's should be
    # fetched again, so nothing stale says it still stands.
    return "public, max-age=3600" if certificate.is_valid else "no-cache"


def _json(data, *, content_type="application/json", status=200):
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type=f"{content_type}; charset=utf-8",
        status=status,
    )


@require_safe
def credential_json(request, code):
    try:
        certificate = _certificate(code)
    except _NotFound:
        return _not_found()
    response = _json(open_badges.build_credential(certificate), content_type="application/ld+json")
    response["Content-Disposition"] = f'attachment; filename="open-badge-{certificate.code}.json"'
    return _public(response, _caching(certificate))


@require_safe
def credential_jwt(request, code):
    try:
        certificate = _certificate(code)
    except _NotFound:
        return _not_found()
    response = HttpResponse(
        open_badges.sign_credential(certificate), content_type="application/vc+jwt"
    )
    response["Content-Disposition"] = f'attachment; filename="open-badge-{certificate.code}.jwt"'
    return _public(response, _caching(certificate))


@require_safe
def credential_status(request, code):
    try:
        certificate = _certificate(code)
    except _NotFound:
        return _not_found()
    # Revoking must show at once: never kept by a cache.
    return _public(_json(open_badges.status(certificate)), "no-cache")


@require_safe
def issuer(request):
    identity = site_identity_for_request(request)
    profile = open_badges.issuer_profile(
        name=identity.organisation or identity.name,
        url=open_badges.site_url(),
        email=identity.email,
    )
    return _public(_json(profile, content_type="application/ld+json"), "public, max-age=3600")
