"""The judge's sheet: each row's subtotal, the background draft save, and who unlocked it."""

import re
from decimal import Decimal

import pytest

from contests.models import Score
from contests.services.scoring import subtotal
from tests.contests.helpers import ready_event
from tests.contests.test_judging import cells, sheet_url

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def subtotals(html):
    return re.findall(r"<output data-subtotal[^>]*>([^<]*)</output>", html)


def test_each_row_shows_the_judges_weighted_subtotal(client, contest):
    # 实操 × 0.7, 理论 × 0.3: 001 80 and 90 -> 56 + 27 = 83.00; 002 only 实操 85.5 -> 59.85;
    # 003 nothing -> 0.00
    event, sheets = ready_event(contest)
    practical, theory = event.criteria.order_by("position", "id")
    first, second, _third = event.entrants.order_by("bib")
    sheet = sheets[0]
    Score.objects.create(sheet=sheet, entrant=first, criterion=practical, points=80)
    Score.objects.create(sheet=sheet, entrant=first, criterion=theory, points=90)
    Score.objects.create(sheet=sheet, entrant=second, criterion=practical, points=Decimal("85.5"))
    client.force_login(sheet.judge)
    html = client.get(sheet_url(sheet)).content.decode()
    assert subtotals(html) == ["83.00", "59.85", "0.00"]
    assert 'data-weight="0.700"' in html and 'data-max="100.00"' in html
    assert "contests/sheet" in html and "<script>" not in html


def test_the_subtotal_rounds_half_up_and_skips_what_is_not_a_score(contest):
    event, _sheets = ready_event(contest)
    criteria = list(event.criteria.order_by("position", "id"))
    # 0.7 × 80.25 = 56.175 -> 56.18 (half up); "abc" and "120" (over 100) count as empty
    assert subtotal(["80.25", ""], criteria) == Decimal("56.18")
    assert subtotal(["abc", "120"], criteria) == Decimal("0.00")
    assert subtotal(["80,25", "10"], criteria) == Decimal("59.18")


def test_the_background_save_answers_in_json_and_saves_the_draft(client, contest):
    event, sheets = ready_event(contest)
    sheet = sheets[0]
    client.force_login(sheet.judge)
    data = cells(event, lambda e, c: "70")
    response = client.post(sheet_url(sheet), {**data, "action": "draft"}, **JSON)
    assert response.status_code == 200
    answer = response.json()
    assert answer["ok"] and answer["saved"] == 6
    assert re.fullmatch(r"草稿已于 \d\d:\d\d 保存。", answer["message"])
    assert Score.objects.filter(sheet=sheet, points=70).count() == 6
    # no message is left over for the next page the judge opens
    assert "草稿已保存" not in client.get(sheet_url(sheet)).content.decode()


def test_a_refused_background_save_saves_nothing_and_names_the_cells(client, contest):
    event, sheets = ready_event(contest)
    sheet = sheets[0]
    client.force_login(sheet.judge)
    data = cells(event, lambda e, c: "70")
    bad = next(iter(data))
    data[bad] = "170"
    response = client.post(sheet_url(sheet), {**data, "action": "draft"}, **JSON)
    assert response.status_code == 400
    answer = response.json()
    assert not answer["ok"] and list(answer["errors"]) == [bad]
    assert "1" in answer["message"]
    assert not Score.objects.filter(sheet=sheet).exists()


def test_a_background_save_of_a_submitted_sheet_is_refused(client, contest):
    event, sheets = ready_event(contest)
    sheet = sheets[0]
    sheet.submitted_at = sheet.updated_at
    sheet.save()
    client.force_login(sheet.judge)
    response = client.post(sheet_url(sheet), {"action": "draft"}, **JSON)
    assert response.status_code == 400 and "已提交" in response.json()["message"]


def test_another_judge_cannot_save_into_the_sheet(client, contest):
    event, sheets = ready_event(contest)
    client.force_login(sheets[1].judge)
    data = cells(event, lambda e, c: "70")
    response = client.post(sheet_url(sheets[0]), {**data, "action": "draft"}, **JSON)
    assert response.status_code == 404
    assert not Score.objects.exists()


def test_an_unlocked_sheet_says_who_unlocked_it_and_why(client, contest, organizer):
    event, sheets = ready_event(contest)
    sheet = sheets[0]
    organizer.first_name, organizer.last_name = "明", "陈"
    organizer.save()
    client.force_login(sheet.judge)
    client.post(sheet_url(sheet), {**cells(event, lambda e, c: "70"), "action": "submit"})
    html = client.get(sheet_url(sheet)).content.decode()
    assert "解锁" not in html.split("<form")[0]
    client.force_login(organizer)
    response = client.post(
        f"/app/contests/manage/event/{event.pk}/sheets/{sheet.pk}/unlock/",
        {"reason": "选手003的实操分录错"},
    )
    assert response.status_code == 302
    client.force_login(sheet.judge)
    html = client.get(f"/en{sheet_url(sheet)}").content.decode()
    assert re.search(r"Unlocked by 明 陈 on \d{4}-\d\d-\d\d \d\d:\d\d\.", html)
    assert "Reason: 选手003的实操分录错" in html
    # submitted again, the sheet is locked: the note above the sheet goes, its history keeps it
    client.post(sheet_url(sheet), {**cells(event, lambda e, c: "70"), "action": "submit"})
    html = client.get(f"/en{sheet_url(sheet)}").content.decode()
    assert "Unlocked by" not in html.split("<form")[0]
    assert "Unlocked by" in html.split('id="sheet-history"')[1]
