"""The judge reads their own sheet's history: who unlocked it and why, and each score changed
after submission (entrant, criterion, old → new), by code on a blind event."""

import pytest
from django.test import Client
from django.urls import reverse

from contests.models import Score
from tests.contests.helpers import fill, ready_event
from tests.contests.test_blind_codes import assert_blind, blind_event, codes_of, draw

pytestmark = pytest.mark.django_db


def judge_client(sheet):
    client = Client()
    client.force_login(sheet.judge)
    return client


def unlock(client, event, sheet, reason):
    url = reverse("contests:unlock", args=[event.pk, sheet.pk])
    return client.post(url, {"reason": reason})


def test_the_judge_sees_who_unlocked_and_each_score_changed(client, contest, organizer):
    event, sheets = ready_event(contest)
    fill(event, sheets)
    sheet = sheets[0]
    sheet.judge.first_name = "陈评委"
    sheet.judge.save()
    organizer.first_name = "赵组织"
    organizer.save()
    judge = judge_client(sheet)
    url = reverse("contests:sheet", args=[sheet.pk])
    assert "本评分表的记录" not in judge.get(url).content.decode()

    client.force_login(organizer)
    assert unlock(client, event, sheet, "第2号选手分数誊写错误").status_code == 302
    entrant = event.entrants.get(bib="002")
    practical = event.criteria.get(name="实操")
    old = Score.objects.get(sheet=sheet, entrant=entrant, criterion=practical).points
    cell = f"s-{entrant.pk}-{practical.pk}"
    response = judge.post(url, {cell: "91.5", "action": "submit"})
    assert response.status_code == 302

    html = judge.get(url).content.decode()
    assert "本评分表的记录" in html
    assert "赵组织 于" in html and "解锁了此评分表" in html
    assert "原因：第2号选手分数誊写错误" in html
    assert "陈评委 修改了 1 项分数" in html
    assert f"{old} → 91.50" in html
    assert ">002<" in html and ">实操<" in html


def test_a_blind_sheet_names_the_code_never_the_number(client, contest, organizer):
    event, sheets = blind_event(contest)
    client.force_login(organizer)
    assert draw(client, event).status_code == 302
    fill(event, sheets)
    sheet = sheets[1]
    assert unlock(client, event, sheet, "复核").status_code == 302
    entrant = event.entrants.order_by("bib").first()
    code = codes_of(event)[entrant.pk]
    practical = event.criteria.get(name="实操")
    judge = judge_client(sheet)
    url = reverse("contests:sheet", args=[sheet.pk])
    response = judge.post(url, {f"s-{code}-{practical.pk}": "77", "action": "submit"})
    assert response.status_code == 302

    content = judge.get(url).content
    html = content.decode()
    assert "修改了 1 项分数" in html and "→ 77.00" in html
    assert f">{code}<" in html
    assert_blind(content, event)
