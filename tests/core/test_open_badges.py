import datetime
import json
from urllib.parse import urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key

from core import open_badges
from core.certificates import reissue_certificate, revoke_certificate
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


def _issuer_jwk(client, kid):
    """The verifier's path: the key the token's kid names, from the issuer profile."""
    profile = client.get(urlsplit(kid).path).json()
    assert profile["type"] == ["Profile"]
    (method,) = [m for m in profile["verificationMethod"] if m["id"] == kid]
    return method["publicKeyJwk"]


def test_the_credential_downloads_as_json_ld(client, site_tree):
    certificate = CertificateFactory()
    response = client.get(f"/verify/{certificate.code}/credential.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assert response["Content-Disposition"] == (
        f'attachment; filename="open-badge-{certificate.code}.json"'
    )
    assert response["Access-Control-Allow-Origin"] == "*"
    credential = json.loads(response.content)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["credentialSubject"]["name"] == "钱一鸣"
    assert credential["name"] == "一等奖"
    # Its id is where it is served; the same credential from the English pages.
    assert urlsplit(credential["id"]).path == f"/verify/{certificate.code}/credential.json"
    english = client.get(f"/en/verify/{certificate.code}/credential.json")
    assert json.loads(english.content) == credential


def test_the_signed_download_verifies_against_the_issuer_profile(client, site_tree):
    certificate = CertificateFactory()
    response = client.get(f"/verify/{certificate.code}/credential.jwt")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    token = response.content.decode()
    jwk = _issuer_jwk(client, jwt.get_unverified_header(token)["kid"])
    claims = _verify(token, jwk)
    assert claims["vc"]["credentialSubject"]["name"] == "钱一鸣"
    assert claims["vc"] == client.get(f"/verify/{certificate.code}/credential.json").json()

    header, payload, signature = token.split(".")
    middle = len(payload) // 2
    swapped = "B" if payload[middle] == "A" else "A"
    tampered = payload[:middle] + swapped + payload[middle + 1 :]
    with pytest.raises(jwt.InvalidSignatureError):
        _verify(f"{header}.{tampered}.{signature}", jwk)


def test_the_issuer_profile_publishes_the_configured_key(client, site_tree, settings):
    derived = client.get("/badges/issuer/").json()["verificationMethod"][0]["publicKeyJwk"]
    key = Ed25519PrivateKey.generate()
    settings.OPEN_BADGES_SIGNING_KEY = _pem(key)
    profile = client.get("/badges/issuer/").json()
    jwk = profile["verificationMethod"][0]["publicKeyJwk"]
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519"
    assert jwk["x"] != derived["x"]
    assert jwt.PyJWK(jwk).key.public_bytes_raw() == key.public_key().public_bytes_raw()
    certificate = CertificateFactory()
    token = client.get(f"/verify/{certificate.code}/credential.jwt").content.decode()
    assert _verify(token, jwk)["jti"].endswith(f"/verify/{certificate.code}/credential.json")


def test_a_valid_certificate_status_says_it_stands(client, site_tree):
    certificate = CertificateFactory()
    response = client.get(f"/verify/{certificate.code}/status.json")
    assert response.status_code == 200
    status = response.json()
    assert status["revoked"] is False
    assert status["revokedCredentials"] == []
    assert status["replaced_by"] is None


def test_a_revoked_certificate_keeps_its_credential_and_its_status_says_why(client, site_tree):
    certificate = CertificateFactory()
    new = reissue_certificate(certificate, "成绩更正")
    response = client.get(f"/verify/{certificate.code}/status.json")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache"
    status = response.json()
    assert status["revoked"] is True
    assert status["reason"] == "成绩更正"
    assert status["replaced_by"] == new.code
    assert status["revokedCredentials"] == [
        {"id": open_badges.credential_id(certificate), "revocationReason": "成绩更正"}
    ]
    assert client.get(f"/verify/{certificate.code}/credential.json").status_code == 200
    token = client.get(f"/verify/{certificate.code}/credential.jwt").content.decode()
    assert _verify(token, open_badges.public_jwk())["sub"] == certificate.code


def test_revoking_without_a_new_certificate_names_no_replacement(client, site_tree):
    certificate = CertificateFactory()
    revoke_certificate(certificate, "证书信息有误")
    status = client.get(f"/verify/{certificate.code}/status.json").json()
    assert (status["revoked"], status["reason"], status["replaced_by"]) == (
        True,
        "证书信息有误",
        None,
    )


@pytest.mark.parametrize("suffix", ["credential.json", "credential.jwt", "status.json"])
@pytest.mark.parametrize("code", ["ABCDEFGHJK", "abc%21", "x" * 40])
def test_unknown_or_malformed_codes_are_404(client, site_tree, suffix, code):
    CertificateFactory()
    response = client.get(f"/verify/{code}/{suffix}")
    assert response.status_code == 404
    assert response.json() == {"error": "没有此验证码的证书"}


def test_the_verify_page_offers_the_open_badge_downloads(client, site_tree):
    certificate = CertificateFactory()
    html = client.get(f"/verify/{certificate.code}/").content.decode()
    assert "下载开放徽章" in html
    assert f'href="/verify/{certificate.code}/credential.json"' in html
    assert f'href="/verify/{certificate.code}/credential.jwt"' in html
    english = client.get(f"/en/verify/{certificate.code}/").content.decode()
    assert "Download as Open Badge" in english


def test_a_revoked_certificate_page_offers_no_open_badge(client, site_tree):
    certificate = CertificateFactory()
    revoke_certificate(certificate, "成绩更正")
    html = client.get(f"/verify/{certificate.code}/").content.decode()
    assert "credential.json" not in html
    assert "下载开放徽章" not in html


def test_the_credential_criteria_are_in_chinese_from_any_page(client, site_tree):
    certificate = CertificateFactory()
    credential = client.get(f"/en/verify/{certificate.code}/credential.json").json()
    narrative = credential["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert narrative.startswith("在技能竞赛中获奖")


def test_production_refuses_to_start_with_a_signing_key_it_cannot_use(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from tests.core.production_settings import load

    with pytest.raises(ImproperlyConfigured, match="OPEN_BADGES_SIGNING_KEY must be an Ed25519"):
        load(monkeypatch, OPEN_BADGES_SIGNING_KEY=_pem(generate_private_key(65537, 2048)))
    production = load(monkeypatch, OPEN_BADGES_SIGNING_KEY=_pem(Ed25519PrivateKey.generate()))
    assert production.OPEN_BADGES_SIGNING_KEY.startswith("-----BEGIN PRIVATE KEY-----")
