import pytest
from django.utils import timezone
from PIL import Image

from core.certificates import issue_certificate, revoke_certificate
from core.models import Certificate
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db


def test_issuing_renders_png_and_pdf_with_the_code(
    site_tree, user_factory, django_capture_on_commit_callbacks
):
    source = user_factory(username="apprentice-x")
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue_certificate(
            source=source,
            kind=Certificate.Kind.APPRENTICESHIP,
            recipient_name="钱一鸣",
            title="师徒结对结业证书",
            details="数控车工 · 120 小时",
        )
    certificate.refresh_from_db()
    assert certificate.png.name.endswith(f"{certificate.code}.png")
    with certificate.png.open("rb") as handle:
        assert Image.open(handle).size == (1754, 1240)
    with certificate.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    again = issue_certificate(
        source=source, kind=Certificate.Kind.APPRENTICESHIP, recipient_name="x", title="y"
    )
    assert again.pk == certificate.pk
    assert Certificate.objects.count() == 1


def test_the_public_verifies_a_valid_certificate(client, site_tree):
    certificate = CertificateFactory()
    response = client.get(f"/verify/{certificate.code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "证书有效" in html
    assert "钱一鸣" in html and "一等奖" in html


def test_typed_codes_are_forgiving_about_case_and_dashes(client, site_tree):
    certificate = CertificateFactory()
    typed = certificate.code[:5].lower() + "-" + certificate.code[5:]
    response = client.get("/verify/", {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{certificate.code}/"


def test_a_revoked_certificate_says_so_with_its_date(client, site_tree):
    certificate = CertificateFactory()
    revoke_certificate(certificate, "成绩更正")
    html = client.get(f"/verify/{certificate.code}/").content.decode()
    assert "已于 " + timezone.localdate().strftime("%Y-%m-%d") + " 撤销" in html
    assert "成绩更正" in html
    assert "证书有效" not in html


def test_unknown_code_is_a_404_with_a_message(client, site_tree):
    response = client.get("/verify/ABCDEFGHJK/")
    assert response.status_code == 404
    assert "没有此验证码的证书" in response.content.decode()


def test_malformed_code_is_a_400_with_a_message(client, site_tree):
    response = client.get("/verify/", {"code": "<script>"})
    assert response.status_code == 400
    assert "验证码只包含字母和数字" in response.content.decode()


def test_verification_url_is_the_chinese_public_page(site_tree, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://jiangxin.example.org"
    certificate = CertificateFactory()
    assert certificate.get_verification_url() == (
        f"https://jiangxin.example.org/verify/{certificate.code}/"
    )


def test_a_revoked_certificate_can_be_replaced_and_both_verify(client, site_tree, user_factory):
    source = user_factory(username="corrected")
    first = issue_certificate(
        source=source, kind=Certificate.Kind.CONTEST, recipient_name="钱一鸣", title="二等奖"
    )
    revoke_certificate(first, "成绩更正")
    second = issue_certificate(
        source=source, kind=Certificate.Kind.CONTEST, recipient_name="钱一鸣", title="一等奖"
    )
    assert second.pk != first.pk
    assert "撤销" in client.get(f"/verify/{first.code}/").content.decode()
    assert "证书有效" in client.get(f"/verify/{second.code}/").content.decode()


def test_downloads_are_drawn_on_demand_and_refused_once_revoked(client, site_tree):
    certificate = CertificateFactory()
    assert not certificate.is_rendered
    response = client.get(f"/verify/{certificate.code}/certificate.pdf")
    assert response.status_code == 200 and "Location" not in response
    certificate.refresh_from_db()
    assert certificate.is_rendered
    with certificate.pdf.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()
    revoke_certificate(certificate, "成绩更正")
    assert client.get(f"/verify/{certificate.code}/certificate.png").status_code == 404
