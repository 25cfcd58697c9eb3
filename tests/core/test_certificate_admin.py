"""Managers revoke and reissue certificates in the Wagtail admin, with a reason; nobody else."""

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from core.models import Certificate
from core.roles import ROLES
from tests.factories import CertificateFactory, UserFactory

pytestmark = pytest.mark.django_db


def admin_client(role):
    client = Client(enforce_csrf_checks=False)
    client.force_login(UserFactory(role=role))
    return client


def urls(certificate):
    return {
        name: reverse(f"wagtailsnippets_core_certificate:{name}", args=[certificate.pk])
        for name in ("inspect", "history", "revoke", "reissue")
    } | {"index": reverse("wagtailsnippets_core_certificate:list")}


def test_managers_list_and_inspect_certificates_with_revoke_and_reissue_buttons(site_tree):
    certificate = CertificateFactory()
    client = admin_client("manager")
    listing = client.get(urls(certificate)["index"])
    assert listing.status_code == 200
    html = listing.content.decode()
    assert certificate.code in html and "证书" in html
    assert urls(certificate)["revoke"] in html and urls(certificate)["reissue"] in html
    inspect = client.get(urls(certificate)["inspect"])
    assert inspect.status_code == 200
    html = inspect.content.decode()
    assert "钱一鸣" in html and urls(certificate)["revoke"] in html
    # No free editing of a certificate's content, no adding or deleting here.
    base = "/admin/snippets/core/certificate"
    for url in (
        f"{base}/edit/{certificate.pk}/",
        f"{base}/add/",
        f"{base}/delete/{certificate.pk}/",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"recipient_name": "别人", "title": "x"}).status_code == 404
    certificate.refresh_from_db()
    assert certificate.recipient_name == "钱一鸣" and Certificate.objects.count() == 1
    assert f"{base}/edit/" not in html
    from wagtail.admin.admin_url_finder import AdminURLFinder

    assert AdminURLFinder().get_edit_url(certificate) == urls(certificate)["inspect"]


def test_the_certificates_menu_is_in_the_managers_admin_only(site_tree):
    index = reverse("wagtailsnippets_core_certificate:list")
    assert index in admin_client("manager").get("/admin/").content.decode()
    organizer = admin_client("organizer")
    assert index not in organizer.get("/admin/").content.decode()


@pytest.mark.parametrize("role", [role for role in ROLES if role != "manager"])
def test_other_roles_reach_no_certificate_screen(site_tree, role):
    certificate = CertificateFactory()
    client = admin_client(role)
    for name, url in urls(certificate).items():
        response = client.get(url)
        assert response.status_code in (302, 403, 404), (role, name, response.status_code)
        response = client.post(url, {"reason": "误发"})
        assert response.status_code in (302, 403, 404, 405), (role, name, response.status_code)
    certificate.refresh_from_db()
    assert certificate.is_valid
    assert Certificate.objects.count() == 1


def test_revoking_needs_a_reason_and_is_logged_with_it(
    site_tree, django_capture_on_commit_callbacks
):
    certificate = CertificateFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(role="manager"))
    page = client.get(urls(certificate)["revoke"])
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    refused = client.post(
        urls(certificate)["revoke"], {"reason": "  ", "csrfmiddlewaretoken": token}
    )
    assert refused.status_code == 400
    assert "请填写撤销证书的原因" in refused.content.decode()
    certificate.refresh_from_db()
    assert certificate.is_valid

    done = client.post(
        urls(certificate)["revoke"], {"reason": "获奖名单更正", "csrfmiddlewaretoken": token}
    )
    assert done.status_code == 302
    certificate.refresh_from_db()
    assert not certificate.is_valid and certificate.revoked_reason == "获奖名单更正"
    entry = ModelLogEntry.objects.get(action="core.revoke_certificate")
    assert entry.data["reason"] == "获奖名单更正"
    history = client.get(urls(certificate)["history"])
    assert history.status_code == 200
    assert "证书已撤销：获奖名单更正" in history.content.decode()

    # The public page says revoked, with the reason; no more revoke buttons.
    public = Client().get(f"/verify/{certificate.code}/").content.decode()
    assert "撤销" in public and "获奖名单更正" in public
    assert (
        urls(certificate)["revoke"] not in client.get(urls(certificate)["inspect"]).content.decode()
    )
    again = client.post(
        urls(certificate)["revoke"], {"reason": "再次", "csrfmiddlewaretoken": token}
    )
    assert again.status_code == 400
    assert "该证书已撤销" in again.content.decode()


def test_reissuing_revokes_and_issues_the_same_content_under_a_new_code(
    site_tree, user_factory, django_capture_on_commit_callbacks
):
    from core.certificates import issue_certificate

    source = user_factory(username="apprentice-r")
    with django_capture_on_commit_callbacks(execute=True):
        old = issue_certificate(
            source=source,
            kind=Certificate.Kind.APPRENTICESHIP,
            recipient_name="钱一鸣",
            title="师徒结对结业证书",
            details="数控车工 · 120 小时",
        )
    client = admin_client("manager")
    refused = client.post(urls(old)["reissue"], {"reason": ""})
    assert refused.status_code == 400
    assert Certificate.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(urls(old)["reissue"], {"reason": "姓名有误，重新打印"})
    assert done.status_code == 302
    old.refresh_from_db()
    new = Certificate.objects.get(revoked_at__isnull=True)
    assert done["Location"] == urls(new)["inspect"]
    assert old.replaced_by == new and new.code != old.code
    assert (new.recipient_name, new.title, new.details, new.kind) == (
        old.recipient_name,
        old.title,
        old.details,
        old.kind,
    )
    assert (new.source_type, new.source_id) == (old.source_type, old.source_id)
    assert new.is_rendered  # drawn by the queued task
    assert old.revoked_reason == "姓名有误，重新打印"
    assert ModelLogEntry.objects.filter(action="core.reissue_certificate").count() == 1
    history = client.get(urls(old)["history"]).content.decode()
    assert f"证书 {old.code} 已补发为 {new.code}：姓名有误，重新打印" in history
    assert "证书已撤销：姓名有误，重新打印" in history
    new_history = client.get(urls(new)["history"]).content.decode()
    assert f"补发，替代证书 {old.code}：姓名有误，重新打印" in new_history

    public = Client().get(f"/verify/{old.code}/").content.decode()
    assert "撤销" in public and "姓名有误，重新打印" in public
    assert f"/verify/{new.code}/" in public
    assert "证书有效" in Client().get(f"/verify/{new.code}/").content.decode()


def test_the_served_pdf_carries_real_text_with_the_font_embedded(
    site_tree, user_factory, django_capture_on_commit_callbacks, tmp_path
):
    import shutil
    import subprocess

    from core.certificates import issue_certificate

    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue_certificate(
            source=user_factory(username="apprentice-pdf"),
            kind=Certificate.Kind.APPRENTICESHIP,
            recipient_name="钱一鸣",
            title="师徒结对结业证书",
            details="数控车工 · 120 小时",
        )
    response = Client().get(f"/verify/{certificate.code}/certificate.pdf")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    path = tmp_path / "certificate.pdf"
    path.write_bytes(body)
    text = subprocess.run(
        [shutil.which("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "钱一鸣" in text and "师徒结对结业证书" in text and "数控车工" in text
    assert certificate.code in text and f"/verify/{certificate.code}/" in text
    fonts = subprocess.run(
        [shutil.which("pdffonts"), str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)  # every font embedded


def test_the_listing_costs_the_same_queries_as_certificates_grow(site_tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = admin_client("manager")
    index = reverse("wagtailsnippets_core_certificate:list")
    CertificateFactory.create_batch(3)
    client.get(index)
    with CaptureQueriesContext(connection) as few:
        assert client.get(index).status_code == 200
    CertificateFactory.create_batch(30)
    with CaptureQueriesContext(connection) as many:
        response = client.get(index)
    assert response.status_code == 200
    assert len(many) <= len(few)
