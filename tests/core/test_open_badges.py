import datetime
import json

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key

from core import open_badges
from core.models import Certificate
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db


def _pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _verify(token, jwk):
    """What a verifier does: the key from the published JWK, then the signature."""
    key = jwt.PyJWK(jwk).key
    return jwt.decode(token, key, algorithms=["EdDSA"])


def test_the_credential_has_the_open_badges_fields_and_the_certificate(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://jiangxin.example.org"
    certificate = CertificateFactory(issued_on=datetime.date(2024, 5, 1))
    credential = open_badges.build_credential(certificate)
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    code = certificate.code
    assert credential["id"] == f"https://jiangxin.example.org/verify/{code}/credential.json"
    assert credential["issuer"] == {
        "id": "https://jiangxin.example.org/badges/issuer/",
        "type": ["Profile"],
        "name": "奉化区总工会",
    }
    # Midnight in Ningbo on the issue day.
    assert credential["validFrom"] == "2024-04-30T16:00:00Z"
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["name"] == "钱一鸣"
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == credential["name"] == "一等奖"
    assert achievement["description"] == "2024年奉化区服装裁剪技能竞赛"
    assert achievement["achievementType"] == "Award"
    assert achievement["criteria"]["narrative"]
    assert achievement["id"].startswith("https://jiangxin.example.org/")
    assert credential["credentialStatus"] == {
        "id": f"https://jiangxin.example.org/verify/{code}/status.json",
        "type": "1EdTechRevocationList",
    }
    # Nothing but the name identifies the holder.
    assert set(subject) == {"type", "name", "identifier", "achievement"}
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": "钱一鸣",
        }
    ]


def test_an_apprenticeship_is_a_certificate_described_by_its_title_without_details():
    certificate = CertificateFactory(
        kind=Certificate.Kind.APPRENTICESHIP, title="师徒结对结业证书", details=""
    )
    achievement = open_badges.build_credential(certificate)["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Certificate"
    assert achievement["description"] == "师徒结对结业证书"


def test_the_signed_credential_verifies_with_the_published_key():
    certificate = CertificateFactory()
    token = open_badges.sign_credential(certificate)
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "EdDSA" and header["typ"] == "JWT"
    assert header["kid"] == open_badges.issuer_id() + "#key-1"
    claims = _verify(token, open_badges.public_jwk())
    assert claims["vc"] == open_badges.build_credential(certificate)
    assert claims["iss"] == open_badges.issuer_id()
    assert claims["jti"] == open_badges.credential_id(certificate)
    assert claims["sub"] == certificate.code


def test_a_credential_altered_after_signing_fails_verification():
    certificate = CertificateFactory()
    header, payload, signature = open_badges.sign_credential(certificate).split(".")
    claims = json.loads(jwt.utils.base64url_decode(payload))
    claims["vc"]["credentialSubject"]["name"] = "李四"
    forged = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
    with pytest.raises(jwt.InvalidSignatureError):
        _verify(f"{header}.{forged}.{signature}", open_badges.public_jwk())


def test_the_derived_key_follows_the_secret_key(settings):
    first = open_badges.public_jwk()
    assert open_badges.public_jwk() == first  # same key in every process
    token = open_badges.sign_credential(CertificateFactory())
    settings.SECRET_KEY = "another-secret"
    assert open_badges.public_jwk()["x"] != first["x"]
    with pytest.raises(jwt.InvalidSignatureError):
        _verify(token, open_badges.public_jwk())


def test_a_configured_signing_key_is_used(settings):
    key = Ed25519PrivateKey.generate()
    derived = open_badges.public_jwk()
    settings.OPEN_BADGES_SIGNING_KEY = _pem(key).replace("\n", "\\n")  # as one env line
    jwk = open_badges.public_jwk()
    assert jwk["x"] != derived["x"]
    assert jwt.PyJWK(jwk).key.public_bytes_raw() == key.public_key().public_bytes_raw()
    token = open_badges.sign_credential(CertificateFactory())
    assert _verify(token, jwk)["sub"]


def test_a_signing_key_that_is_not_ed25519_is_refused_by_name(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.OPEN_BADGES_SIGNING_KEY = _pem(generate_private_key(65537, 2048))
    with pytest.raises(ImproperlyConfigured, match="OPEN_BADGES_SIGNING_KEY"):
        open_badges.signing_key()
    settings.OPEN_BADGES_SIGNING_KEY = "not a key"
    with pytest.raises(ImproperlyConfigured, match="OPEN_BADGES_SIGNING_KEY"):
        open_badges.signing_key()
