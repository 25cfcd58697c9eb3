"""The apprentice's own portfolio: evidence, reflections, queries, reviews, notices, the PDF."""

import datetime
import os
import shutil
import subprocess

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from academy.models import EntryCompetency, LogEntry, PortfolioItem, ProgressReview
from academy.services import portfolio_pdf
from tests.factories import UserFactory
from tests.factories.academy import LogEntryFactory, PairingFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = (TODAY - datetime.timedelta(days=1)).isoformat()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def _add(client, pairing, **data):
    payload = {"kind": "reflection", "title": "第一次独立打版", "date": YESTERDAY, "text": ""}
    payload.update(data)
    return client.post(reverse("academy:evidence_add", args=[pairing.pk]), payload)


def test_the_apprentice_adds_a_reflection_a_photo_a_document_and_a_video(
    client, pairing, photo_upload
):
    client.force_login(pairing.apprentice)
    assert _add(client, pairing, text="打版时要先核对尺寸。").status_code == 302
    assert _add(client, pairing, kind="photo", title="样衣", file=photo_upload()).status_code == 302
    document = SimpleUploadedFile("工艺单.pdf", PDF, content_type="application/pdf")
    assert _add(client, pairing, kind="document", title="工艺单", file=document).status_code == 302
    video = SimpleUploadedFile("锁边.mp4", MP4, content_type="video/mp4")
    assert _add(client, pairing, kind="video", title="锁边示范", file=video).status_code == 302
    items = {item.kind: item for item in PortfolioItem.objects.filter(pairing=pairing)}
    assert set(items) == {"reflection", "photo", "document", "video"}
    assert items["photo"].image.collection.name.endswith("（不公开）")
    assert items["document"].file_name == "工艺单.pdf"

    page = client.get(pairing.get_absolute_url()).content.decode()
    for title in ("第一次独立打版", "样衣", "工艺单", "锁边示范"):
        assert title in page
    client.force_login(pairing.mentor)
    served = client.get(reverse("academy:portfolio_file", args=[items["document"].pk]))
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PDF
    assert "attachment" in served["Content-Disposition"]
    thumb = client.get(reverse("academy:portfolio_thumb", args=[items["photo"].pk, "thumb"]))
    assert thumb.status_code == 200 and thumb["Content-Type"].startswith("image/")


def test_evidence_is_private_to_the_pairing(client, pairing, other_pairing):
    item = PortfolioItem.objects.create(
        pairing=pairing, kind="document", title="工艺单", date=TODAY, file_name="a.pdf"
    )
    url = reverse("academy:portfolio_file", args=[item.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(other_pairing.mentor)
    assert client.get(url).status_code == 404
    client.force_login(other_pairing.apprentice)
    assert client.get(url).status_code == 404
    assert client.get(reverse("academy:portfolio", args=[pairing.pk])).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "请写下你的心得。"),
        ({"kind": "photo", "title": "没选文件"}, "请选择要添加的文件。"),
        (
            {"text": "明天的事", "date": (TODAY + datetime.timedelta(days=1)).isoformat()},
            "日期不能是将来。",
        ),
        (
            {"kind": "document", "file": SimpleUploadedFile("病毒.exe", b"MZ" + b"\x00" * 20)},
            "不是以下类型之一",
        ),
        (
            {"kind": "document", "file": SimpleUploadedFile("假的.pdf", b"not a pdf at all")},
            "不是真正的",
        ),
        ({"kind": "video", "file": SimpleUploadedFile("a.mp4", b"plain text")}, "不是真正的"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_saved(client, pairing, data, message):
    client.force_login(pairing.apprentice)
    response = _add(client, pairing, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PortfolioItem.objects.exists()


def test_a_video_over_the_limit_is_refused(client, pairing, monkeypatch):
    from academy.services import portfolio

    rules = {**portfolio.FILE_RULES}
    rules["video"] = {**rules["video"], "limit": 50}
    monkeypatch.setattr(portfolio, "FILE_RULES", rules)
    client.force_login(pairing.apprentice)
    response = _add(client, pairing, kind="video", file=SimpleUploadedFile("a.mp4", MP4))
    assert response.status_code == 400
    assert "超过" in response.content.decode()
    assert not PortfolioItem.objects.exists()


def test_only_the_apprentice_adds_evidence(client, pairing):
    client.force_login(pairing.mentor)
    assert _add(client, pairing, text="代写").status_code == 403
    assert not PortfolioItem.objects.exists()


def test_query_goes_back_to_the_mentor_who_corrects_it(
    client, pairing, django_capture_on_commit_callbacks
):
    entry = LogEntryFactory(pairing=pairing, hours=5, notes="排料练习")
    client.force_login(pairing.apprentice)
    url = reverse("academy:entry_query", args=[entry.pk])
    refused = client.post(url, {"note": ""})
    assert refused.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"note": "实际只练了3小时"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.is_queried and not entry.is_confirmed
    assert mail.outbox[-1].to == [pairing.mentor.email]
    assert "实际只练了3小时" in mail.outbox[-1].body

    page = client.get(pairing.get_absolute_url()).content.decode()
    assert "已提出疑问" in page and "实际只练了3小时" in page
    assert reverse("academy:entry_confirm", args=[entry.pk]) not in page

    client.force_login(pairing.mentor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("academy:entry_edit", args=[entry.pk]),
            {"date": entry.date.isoformat(), "hours": "3", "skills": "", "notes": "排料练习"},
        )
    entry.refresh_from_db()
    assert not entry.is_queried and str(entry.hours) == "3.0"
    assert mail.outbox[-1].to == [pairing.apprentice.email]
    detail = client.get(entry.get_absolute_url()).content.decode()
    assert "<del>5.0</del> → <ins>3.0</ins>" in detail
    assert "实际只练了3小时" in detail  # the query stays in the history

    client.force_login(pairing.apprentice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("academy:entry_confirm", args=[entry.pk]), {"reflection": "学会了"})
    assert LogEntry.objects.get(pk=entry.pk).is_confirmed
    assert mail.outbox[-1].to == [pairing.mentor.email]
    assert "确认" in mail.outbox[-1].subject


def test_the_apprentice_is_told_of_a_new_entry(client, pairing, django_capture_on_commit_callbacks):
    client.force_login(pairing.mentor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("academy:entry_create", args=[pairing.pk]),
            {"date": YESTERDAY, "hours": "2", "skills": "打版"},
        )
    assert mail.outbox[-1].to == [pairing.apprentice.email]
    assert "1 条记录等待你确认" in mail.outbox[-1].body


def test_an_unlock_tells_the_mentor_why(client, pairing, django_capture_on_commit_callbacks):
    entry = LogEntryFactory(pairing=pairing, confirmed_at=timezone.now())
    manager = UserFactory(role="manager", is_staff=True)
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("academy:entry_unlock", args=[entry.pk]), {"reason": "日期记错"})
    assert mail.outbox[-1].to == [pairing.mentor.email]
    assert "日期记错" in mail.outbox[-1].body
    assert "日期记错" in client.get(entry.get_absolute_url()).content.decode()


def test_an_unchanged_save_leaves_no_history(client, pairing):
    entry = LogEntryFactory(pairing=pairing, notes="同样")
    client.force_login(pairing.mentor)
    client.post(
        reverse("academy:entry_edit", args=[entry.pk]),
        {"date": entry.date.isoformat(), "hours": "3", "skills": "", "notes": "同样"},
    )
    assert "<del>" not in client.get(entry.get_absolute_url()).content.decode()


def test_a_progress_review_is_signed_by_both_and_shows_on_the_timeline(client, pairing):
    LogEntryFactory(pairing=pairing)
    client.force_login(pairing.mentor)
    response = client.post(
        reverse("academy:review_add", args=[pairing.pk]),
        {"date": YESTERDAY, "summary": "排料已熟练", "targets": "下月独立完成推版"},
    )
    assert response.status_code == 302
    review = ProgressReview.objects.get(pairing=pairing)
    assert review.mentor_signed_at and not review.apprentice_signed_at
    page = client.get(pairing.get_absolute_url()).content.decode()
    assert "下月独立完成推版" in page and "等待签字" in page

    client.force_login(pairing.apprentice)
    assert client.post(reverse("academy:review_sign", args=[review.pk])).status_code == 302
    review.refresh_from_db()
    assert review.is_signed
    again = client.post(reverse("academy:review_sign", args=[review.pk]))
    assert again.status_code == 400
    assert "双方已签字" in client.get(pairing.get_absolute_url()).content.decode()


def test_a_review_is_refused_with_bad_dates_or_outside_the_pairing(client, pairing, other_pairing):
    client.force_login(pairing.mentor)
    url = reverse("academy:review_add", args=[pairing.pk])
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    response = client.post(url, {"date": tomorrow, "summary": "a", "targets": "b"})
    assert response.status_code == 400 and "日期不能是将来" in response.content.decode()
    response = client.post(url, {"date": YESTERDAY, "summary": "", "targets": ""})
    assert response.status_code == 400
    client.force_login(other_pairing.mentor)
    assert client.post(url, {"date": YESTERDAY, "summary": "a", "targets": "b"}).status_code == 404
    assert not ProgressReview.objects.exists()


def test_a_rating_cites_its_evidence(client, pairing, photo_upload):
    competency = pairing.competencies.first()
    item = PortfolioItem.objects.create(
        pairing=pairing, kind="document", title="工艺单", date=TODAY, file_name="a.pdf"
    )
    client.force_login(pairing.mentor)
    client.post(
        reverse("academy:entry_create", args=[pairing.pk]),
        {
            "date": YESTERDAY,
            "hours": "2",
            f"competency_{competency.pk}": "2",
            "photos": [photo_upload()],
        },
    )
    entry = LogEntry.objects.get(pairing=pairing)
    photo = entry.photos.get()
    edit = reverse("academy:entry_edit", args=[entry.pk])
    form = {"date": YESTERDAY, "hours": "2", "skills": "", f"competency_{competency.pk}": "3"}
    response = client.post(edit, {**form, f"evidence_{competency.pk}": f"photo:{photo.pk}"})
    assert response.status_code == 302
    rating = EntryCompetency.objects.get(entry=entry)
    assert rating.evidence_photo == photo and rating.rating == 3
    assert "证据：照片" in client.get(entry.get_absolute_url()).content.decode()

    client.post(edit, {**form, f"evidence_{competency.pk}": f"item:{item.pk}"})
    rating.refresh_from_db()
    assert rating.evidence_item == item and rating.evidence_photo is None

    foreign = PortfolioItem.objects.create(
        pairing=PairingFactory(), kind="document", title="别人的", date=TODAY
    )
    refused = client.post(edit, {**form, f"evidence_{competency.pk}": f"item:{foreign.pk}"})
    assert refused.status_code == 400
    rating.refresh_from_db()
    assert rating.evidence_item == item


def test_the_printable_portfolio_is_a_pdf_with_text_and_thumbnails(
    client, pairing, photo_upload, tmp_path
):
    client.force_login(pairing.mentor)
    client.post(
        reverse("academy:entry_create", args=[pairing.pk]),
        {
            "date": YESTERDAY,
            "hours": "4",
            "skills": "打版、验片",
            "notes": "独立完成样板",
            "photos": [photo_upload(size=(400, 300))],
        },
    )
    client.force_login(pairing.apprentice)
    _add(client, pairing, text="这次学会了核对尺寸。")
    response = client.get(reverse("academy:portfolio_pdf", args=[pairing.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pdftotext, pdfimages = shutil.which("pdftotext"), shutil.which("pdfimages")
    if not (pdftotext and pdfimages):
        if os.environ.get("CI"):
            pytest.fail("poppler-utils is needed in CI")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "p.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        [pdftotext, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (
        "学徒成长档案",
        pairing.trade.name,
        "打版",
        "验片",
        "独立完成样板",
        "这次学会了核对尺寸",
    ):
        assert expected in text
    images = subprocess.run(
        [pdfimages, "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert len(images.strip().splitlines()) >= 3  # two header lines and the thumbnail


def test_the_portfolio_is_private(client, pairing, other_pairing):
    url = reverse("academy:portfolio_pdf", args=[pairing.pk])
    client.force_login(other_pairing.apprentice)
    assert client.get(url).status_code == 404


def test_without_a_chinese_font_the_pdf_is_refused_with_a_message(client, pairing, monkeypatch):
    monkeypatch.setattr(portfolio_pdf, "_font", lambda: None)
    client.force_login(pairing.apprentice)
    response = client.get(reverse("academy:portfolio_pdf", args=[pairing.pk]), follow=True)
    assert "没有安装生成 PDF 所需的中文字体" in response.content.decode()
