import io

import pytest
from django.core.management import call_command

from contests.models import ContestPage, Entrant, ResultsPage, Score, Sheet
from core.models import Certificate

pytestmark = pytest.mark.django_db


def test_demo_contests_states_and_twins(demo_data, client):
    assert ContestPage.objects.filter(year=2024).count() == 46
    assert ContestPage.objects.filter(year=2024, level="municipal").count() == 1
    assert ContestPage.objects.filter(contest_type="qunying").count() == 5
    assert ResultsPage.objects.filter(stage="final").count() >= 40
    assert ResultsPage.objects.filter(stage="notice").exists()
    assert Certificate.objects.filter(kind="contest").count() > 100

    judge_sheet = Sheet.objects.get(judge__username="demo-judge")
    judge2_sheet = Sheet.objects.get(judge__username="demo-judge2")
    assert not judge_sheet.is_submitted and not judge2_sheet.is_submitted
    assert judge_sheet.event_id != judge2_sheet.event_id
    assert judge_sheet.event.contest_id == judge2_sheet.event.contest_id

    client.login(username="demo-judge2", password="demo")
    assert client.get(f"/app/contests/judging/sheet/{judge_sheet.pk}/").status_code == 404
    assert client.get(f"/app/contests/judging/sheet/{judge2_sheet.pk}/").status_code == 200

    client.login(username="demo-organizer", password="demo")
    municipal = ContestPage.objects.get(level="municipal")
    assert client.get(f"/app/contests/manage/contest/{municipal.pk}/").status_code == 404
    refused = client.get(f"/admin/pages/{municipal.pk}/edit/")
    assert refused.status_code == 302 and refused.url == "/admin/"  # Wagtail's "permission denied"
    own = judge_sheet.event.contest
    assert client.get(f"/app/contests/manage/contest/{own.pk}/").status_code == 200
    assert client.get(f"/admin/pages/{own.pk}/edit/").status_code == 200


def test_seed_is_idempotent(demo_data):
    counts = (ContestPage.objects.count(), Entrant.objects.count(), Score.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (ContestPage.objects.count(), Entrant.objects.count(), Score.objects.count()) == counts
