"""Results that cannot drift: publishing needs every sheet submitted (paper sheets submitted by
the organizer with a note), a published result changes only through an unlock with a reason
and shows as out of date until republished, each export names its version, and a correction
that moves a rank, total or award reissues the certificate."""

import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from contests.models import ResultsPage, Score, Sheet
from core.models import Certificate
from tests.contests.helpers import csv_file, fill, ready_event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def publish(client, event, action, **extra):
    return client.post(
        f"/app/contests/manage/event/{event.pk}/publish/", {"action": action, **extra}
    )


def event_page(client, event):
    return client.get(f"/app/contests/manage/event/{event.pk}/")


def make_final(client, event):
    assert publish(client, event, "provisional").status_code == 302
    assert publish(client, event, "notice").status_code == 302
    ResultsPage.objects.filter(event=event).update(
        notice_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert publish(client, event, "final").status_code == 302


def judge_client(sheet):
    client = Client()
    client.force_login(sheet.judge)
    return client


def test_a_draft_sheet_refuses_provisional_results_naming_the_judge(client, contest, organizer):
    event, sheets = ready_event(contest)
    fill(event, sheets, submit=False)
    Sheet.objects.filter(pk__in=[s.pk for s in sheets[:2]]).update(submitted_at=timezone.now())
    sheets[2].judge.first_name = "王评委"
    sheets[2].judge.save()
    client.force_login(organizer)
    response = publish(client, event, "provisional")
    html = response.content.decode()
    assert response.status_code == 400
    assert "尚有评分表未提交：王评委" in html
    assert not ResultsPage.objects.filter(event=event).exists()


def test_a_paper_sheet_is_imported_and_submitted_on_the_judges_behalf(client, contest, organizer):
    event, sheets = ready_event(contest, entrants=2, judges=3)
    fill(event, sheets[:2])
    paper = sheets[2]
    client.force_login(organizer)
    url = f"/app/contests/manage/event/{event.pk}/sheets/{paper.pk}/paper/"

    response = client.post(url, {"note": "纸质评分表，现场签字"})
    assert response.status_code == 400
    assert "还有 4 项分数为空" in response.content.decode()
    paper.refresh_from_db()
    assert not paper.is_submitted

    rows = "\n".join(
        f"{bib},{paper.judge.username},{criterion},{points}"
        for bib in ("001", "002")
        for criterion, points in (("实操", 88), ("理论", 90))
    )
    response = client.post(
        f"/app/contests/manage/event/{event.pk}/scores/import/",
        {"file": csv_file(f"编号,评委,评分项,分数\n{rows}\n", name="paper.csv")},
    )
    assert response.status_code == 302
    response = client.post(url, {"note": ""})
    assert response.status_code == 400
    assert "请写明评委如何签署纸质评分表" in response.content.decode()

    response = client.post(url, {"note": "纸质评分表，现场签字"})
    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.is_submitted
    html = event_page(client, event).content.decode()
    assert "代评委提交：纸质评分表，现场签字" in html
    assert publish(client, event, "provisional").status_code == 302

    admin = Client()
    admin.force_login(UserFactory(username="boss", role="manager", is_superuser=True))
    history = admin.get(f"/admin/snippets/contests/event/history/{event.pk}/")
    assert history.status_code == 200
    assert "已代评委提交评分表：纸质评分表，现场签字" in history.content.decode()


def test_a_published_result_changes_only_through_an_unlock_and_then_shows_out_of_date(
    client, contest, organizer
):
    event, sheets = ready_event(contest, entrants=3)
    fill(event, sheets)
    client.force_login(organizer)
    assert publish(client, event, "provisional").status_code == 302
    assert publish(client, event, "notice").status_code == 302
    page = ResultsPage.objects.get(event=event)
    published_total = next(row["total"] for row in page.standings if row["bib"] == "003")

    sheet = sheets[1]
    judge = judge_client(sheet)
    entrant = event.entrants.get(bib="003")
    practical = event.criteria.get(name="实操")
    cell = f"s-{entrant.pk}-{practical.pk}"
    refused = judge.post(f"/app/contests/judging/sheet/{sheet.pk}/", {cell: "100"})
    assert refused.status_code == 400 and "已提交并锁定" in refused.content.decode()

    response = client.post(
        f"/app/contests/manage/event/{event.pk}/sheets/{sheet.pk}/unlock/",
        {"reason": "评委誊写错误"},
    )
    assert response.status_code == 302
    old = Score.objects.get(sheet=sheet, entrant=entrant, criterion=practical).points
    assert judge.post(f"/app/contests/judging/sheet/{sheet.pk}/", {cell: "100"}).status_code in (
        200,
        302,
    )

    html = event_page(client, event).content.decode()
    assert "提交后修改的分数" in html
    assert f"{old} → 100.00" in html and "评委誊写错误" in html
    assert "已过时" in html and "003 选手3" in html
    assert "已发布第 1 版" in html

    client.logout()
    public = client.get(page.url).content.decode()
    assert published_total in public  # the public still sees the published version

    client.force_login(organizer)
    response = publish(client, event, "provisional")
    assert response.status_code == 400  # already public: only a correction changes it


def test_the_panel_cannot_change_once_results_are_public(client, contest, organizer):
    event, sheets = ready_event(contest)
    fill(event, sheets)
    client.force_login(organizer)
    publish(client, event, "provisional")
    publish(client, event, "notice")
    page = event_page(client, event).content.decode()
    assert "评委组不能再变更" in page
    assert f'action="/app/contests/manage/event/{event.pk}/judges/"' not in page
    extra = UserFactory(username="late-judge", role="judge")
    response = client.post(
        f"/app/contests/manage/event/{event.pk}/judges/",
        {"judges": [*(s.judge_id for s in sheets), extra.pk]},
    )
    assert response.status_code == 400
    assert "评委组不能再变更" in response.content.decode()
    assert event.sheets.count() == 3


def test_exports_name_their_version_and_the_published_one_keeps_its_numbers(
    client, contest, organizer
):
    event, sheets = ready_event(contest, entrants=3)
    fill(event, sheets)
    client.force_login(organizer)
    publish(client, event, "provisional")
    publish(client, event, "notice")
    Score.objects.filter(sheet__event=event, entrant__bib="003").update(points=Decimal("99"))

    base = f"/app/contests/manage/event/{event.pk}"
    published = client.get(f"{base}/results.xlsx?version=published")
    assert published.status_code == 200
    assert f"results-{event.pk}-v1.xlsx" in published["Content-Disposition"]
    title, headers, *rows = load_workbook(io.BytesIO(published.content)).active.iter_rows(
        values_only=True
    )
    assert title[0].startswith("已发布第 1 版 · 公示至 ")
    assert headers[:4] == ("名次", "编号", "姓名", "单位")
    page = ResultsPage.objects.get(event=event)
    assert [(r[1], str(Decimal(str(r[6])).quantize(Decimal("0.01")))) for r in rows] == [
        (row["bib"], row["total"]) for row in page.standings
    ]

    draft = client.get(f"{base}/results.xlsx")
    title, _headers, first, *_rest = load_workbook(io.BytesIO(draft.content)).active.iter_rows(
        values_only=True
    )
    assert title[0].startswith("工作草稿")
    assert first[1] == "003"  # 99 on everything puts 003 first in the working draft
    assert f"results-{event.pk}-draft.xlsx" in draft["Content-Disposition"]

    csv = client.get(f"{base}/results.csv?version=published")
    assert f"results-{event.pk}-v1.csv" in csv["Content-Disposition"]


def test_the_published_export_of_an_event_without_results_is_refused(client, contest, organizer):
    event, sheets = ready_event(contest)
    client.force_login(organizer)
    response = client.get(f"/app/contests/manage/event/{event.pk}/results.csv?version=published")
    assert response.status_code == 400
    assert "该项目尚未发布结果" in response.content.decode()


def test_a_correction_changing_a_total_reissues_the_certificate_and_records_the_version(
    client, contest, organizer, django_capture_on_commit_callbacks
):
    event, sheets = ready_event(contest, entrants=3)
    fill(event, sheets)
    client.force_login(organizer)
    make_final(client, event)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/app/contests/manage/event/{event.pk}/certificates/")
    first = event.entrants.get(bib="001")
    old_certificate = Certificate.objects.get(source_id=first.pk, revoked_at__isnull=True)

    response = publish(client, event, "correct", reason="无需更正")
    assert response.status_code == 400
    assert "与第 1 版相同，无需更正" in response.content.decode()

    practical = event.criteria.get(name="实操")
    sheet = sheets[0]
    client.post(
        f"/app/contests/manage/event/{event.pk}/sheets/{sheet.pk}/unlock/", {"reason": "复核"}
    )
    Score.objects.filter(sheet__event=event, entrant=first, criterion=practical).update(
        points=Decimal("90")
    )
    Sheet.objects.filter(pk=sheet.pk).update(submitted_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        response = publish(client, event, "correct", reason="复核实操分数")
    assert response.status_code == 302

    page = ResultsPage.objects.get(event=event)
    assert page.version == 2
    correction = page.corrections[-1]
    assert correction["version"] == 2 and correction["reason"] == "复核实操分数"
    assert correction["changes"][0]["bib"] == "001"
    assert {c["field"] for c in correction["changes"][0]["changes"]} == {"total"}

    old_certificate.refresh_from_db()
    assert old_certificate.revoked_at is not None
    assert "复核实操分数" in old_certificate.revoked_reason
    new = Certificate.objects.get(source_id=first.pk, revoked_at__isnull=True)
    assert new.pk != old_certificate.pk and old_certificate.replaced_by == new
    assert next(row["total"] for row in page.standings if row["bib"] == "001") in new.details
    unchanged = event.entrants.get(bib="002")
    assert Certificate.objects.filter(source_id=unchanged.pk).count() == 1

    client.logout()
    public = client.get(page.url).content.decode()
    assert "复核实操分数" in public and "第 2 版" in public and "合计" in public
