"""Certificates as Open Badges 3.0 credentials (W3C Verifiable Credentials, JSON-LD), signed as
VC-JWT with the site's Ed25519 key, so a holder can carry one to any wallet or platform that
reads Open Badges and a verifier can check it against the site.

The key is ``OPEN_BADGES_SIGNING_KEY`` (an Ed25519 private key in PEM) where set, otherwise
derived from ``SECRET_KEY``: every web and worker process then signs with the same key, and
the public half is published in the issuer profile (``badges/issuer/``).
"""

import base64
import datetime

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import badge_keys
from .models import Certificate

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
KEY_FRAGMENT = "#key-1"

ACHIEVEMENT_TYPES = {
    Certificate.Kind.APPRENTICESHIP: "Certificate",
    Certificate.Kind.CONTEST: "Award",
}


def _base_url():
    return getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")


def absolute_url(viewname, **kwargs):
    """The Chinese (bare) address of a view on the site's public host, whatever the language
    of the request, as the verification page's: a credential reads the same from /en/."""
    with translation.override(settings.LANGUAGE_CODE):
        return f"{_base_url()}{reverse(viewname, kwargs=kwargs)}"


def site_url():
    return f"{_base_url()}/"


def issuer_id():
    return absolute_url("core:badge_issuer")


def key_id():
    return issuer_id() + KEY_FRAGMENT


def credential_id(certificate):
    return absolute_url("core:badge_credential", code=certificate.code)


def status_id(certificate):
    return absolute_url("core:badge_status", code=certificate.code)


def valid_from(certificate):
    """The start of the issue day where the certificate was issued (the site's time zone),
    as a UTC instant: the certificate is valid all of that day in Ningbo."""
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(certificate.issued_on, datetime.time(), tzinfo=zone)
    return start.astimezone(datetime.UTC)


def _criteria(certificate):
    if certificate.kind == Certificate.Kind.APPRENTICESHIP:
        return _(
            "Completed a mentor and apprentice pairing of the academy: the hours, level and "
            "competencies confirmed by the mentor, as stated in the description."
        )
    return _(
        "Placed in a skill contest, as published in the contest's final results; the "
        "description names the unit, rank and total score."
    )


def build_credential(certificate):
    """The OpenBadgeCredential of a certificate, as a JSON-ready dict. It holds the
    recipient's name only (no phone, email or identity number): the holder shows it to whom
    they choose. Built in the site's language, so it never changes once issued."""
    with translation.override(settings.LANGUAGE_CODE):
        verification_url = certificate.get_verification_url()
        return {
            "@context": CONTEXT,
            "id": credential_id(certificate),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": issuer_id(), "type": ["Profile"], "name": certificate.issuer},
            "validFrom": valid_from(certificate).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "name": certificate.title,
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "name": certificate.recipient_name,
                # Open Badges asks for an id or an identifier; the name, unhashed, is what
                # the printed certificate shows too.
                "identifier": [
                    {
                        "type": "IdentityObject",
                        "identityType": "name",
                        "hashed": False,
                        "identityHash": certificate.recipient_name,
                    }
                ],
                "achievement": {
                    "id": f"{verification_url}#achievement",
                    "type": ["Achievement"],
                    "name": certificate.title,
                    "description": certificate.details or certificate.title,
                    "criteria": {"narrative": _criteria(certificate)},
                    "achievementType": ACHIEVEMENT_TYPES.get(certificate.kind, "Certificate"),
                    "inLanguage": "zh-Hans",
                },
            },
            "credentialStatus": {"id": status_id(certificate), "type": "1EdTechRevocationList"},
            "evidence": [
                {
                    "id": verification_url,
                    "type": ["Evidence"],
                    "name": _("Verification page of certificate %(code)s")
                    % {"code": certificate.code},
                }
            ],
        }


def signing_key():
    pem = getattr(settings, "OPEN_BADGES_SIGNING_KEY", "") or ""
    return badge_keys.signing_key(pem, settings.SECRET_KEY)


def public_jwk():
    """The public half of the signing key as a JWK (RFC 8037, OKP / Ed25519)."""
    raw = (
        signing_key()
        .public_key()
        .public_bytes(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)
    )
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": base64.urlsafe_b64encode(raw).rstrip(b"=").decode(),
        "kid": key_id(),
        "alg": "EdDSA",
        "use": "sig",
    }


def issuer_profile(*, name, url="", email=""):
    """The issuer Profile the credentials point to, with the key verifiers check them by."""
    profile = {
        "@context": CONTEXT,
        "id": issuer_id(),
        "type": ["Profile"],
        "name": name,
        "verificationMethod": [
            {
                "id": key_id(),
                "type": "JsonWebKey",
                "controller": issuer_id(),
                "publicKeyJwk": public_jwk(),
            }
        ],
    }
    if url:
        profile["url"] = url
    if email:
        profile["email"] = email
    return profile


def sign_credential(certificate):
    """The credential as a compact VC-JWT (Open Badges 3.0, section 8.2). Ed25519 signatures
    are deterministic: the same certificate always gives the same token."""
    credential = build_credential(certificate)
    claims = {
        "vc": credential,
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "sub": certificate.code,
        "nbf": int(valid_from(certificate).timestamp()),
    }
    import jwt  # PyJWT and its cryptography add some 8 MB to a process: loaded on use

    return jwt.encode(
        claims,
        signing_key(),
        algorithm="EdDSA",
        headers={"kid": key_id(), "typ": "JWT"},
    )


def status(certificate):
    """Whether the certificate still stands, as a 1EdTech revocation list of this one
    credential (``revokedCredentials``), with the plain facts beside it."""
    revoked = []
    if not certificate.is_valid:
        revoked.append(
            {"id": credential_id(certificate), "revocationReason": certificate.revoked_reason}
        )
    replaced_by = certificate.replaced_by
    return {
        "id": status_id(certificate),
        "issuer": issuer_id(),
        "revokedCredentials": revoked,
        "code": certificate.code,
        "revoked": not certificate.is_valid,
        "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
        "reason": certificate.revoked_reason if not certificate.is_valid else "",
        "replaced_by": replaced_by.code if replaced_by else None,
        "replaced_by_credential": credential_id(replaced_by) if replaced_by else None,
    }
