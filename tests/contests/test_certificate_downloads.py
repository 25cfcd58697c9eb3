"""An event's certificates download at once, for its organizers: a ZIP of PDFs and one PDF
to print. Revoked certificates are left out."""

import datetime
import io
import re
import shutil
import subprocess
import zipfile

import pytest
from django.utils import timezone

from contests.models import ResultsPage
from core.certificates import revoke_certificate
from core.models import Certificate
from tests.contests.helpers import fill, ready_event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def final_event(client, contest, organizer):
    event, sheets = ready_event(contest)
    fill(event, sheets)
    client.force_login(organizer)
    for action in ("provisional", "notice"):
        client.post(f"/app/contests/manage/event/{event.pk}/publish/", {"action": action})
    ResultsPage.objects.filter(event=event).update(
        notice_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    response = client.post(f"/app/contests/manage/event/{event.pk}/publish/", {"action": "final"})
    assert response.status_code == 302
    return event


def urls(event):
    base = f"/app/contests/manage/event/{event.pk}"
    return f"{base}/certificates.zip", f"{base}/certificates.pdf"


def test_before_any_certificate_the_downloads_are_refused_with_a_message(
    client, contest, organizer
):
    event = final_event(client, contest, organizer)
    for url in urls(event):
        response = client.get(url)
        assert response.status_code == 400
        assert "本项目尚未颁发证书" in response.content.decode()


def test_the_zip_and_the_print_pdf_hold_every_valid_certificate(
    client, contest, organizer, django_capture_on_commit_callbacks, tmp_path
):
    event = final_event(client, contest, organizer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/app/contests/manage/event/{event.pk}/certificates/")
    certificates = list(Certificate.objects.filter(kind="contest").order_by("pk"))
    assert len(certificates) == 3
    revoked = certificates[-1]
    revoke_certificate(revoked, "获奖名单更正")

    page = client.get(f"/app/contests/manage/event/{event.pk}/").content.decode()
    zip_url, pdf_url = urls(event)
    assert zip_url in page and pdf_url in page

    response = client.get(zip_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    names = archive.namelist()
    assert len(names) == 2
    valid = [c for c in certificates if c.pk != revoked.pk]
    for certificate in valid:
        entrant = certificate.source
        name = f"{certificate.title.split()[-1]}-{entrant.bib}-{entrant.name}.pdf"
        assert name in names, names
        assert archive.getinfo(name).flag_bits & 0x800  # the name is stored as UTF-8
        path = tmp_path / f"{entrant.bib}.pdf"
        path.write_bytes(archive.read(name))
        text = subprocess.run(
            [shutil.which("pdftotext"), str(path), "-"], capture_output=True, text=True
        ).stdout
        assert entrant.name in text and certificate.code in text
    assert not any(revoked.recipient_name in n and revoked.source.bib in n for n in names)

    response = client.get(pdf_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "all.pdf"
    path.write_bytes(body(response))
    info = subprocess.run(
        [shutil.which("pdfinfo"), str(path)], capture_output=True, text=True
    ).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) == 2
    text = subprocess.run(
        [shutil.which("pdftotext"), str(path), "-"], capture_output=True, text=True
    ).stdout
    assert all(c.code in text for c in valid) and revoked.code not in text


def test_only_the_events_organizers_download(
    client, contest, organizer, django_capture_on_commit_callbacks
):
    event = final_event(client, contest, organizer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/app/contests/manage/event/{event.pk}/certificates/")
    client.logout()
    for url in urls(event):
        assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory(username="org-other", role="organizer"))
    for url in urls(event):
        assert client.get(url).status_code == 404
    client.force_login(UserFactory(username="judge-x", role="judge"))
    for url in urls(event):
        assert client.get(url).status_code in (403, 404)
