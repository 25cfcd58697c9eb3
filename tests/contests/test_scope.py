"""Scope: an organizer acts only on their contests, a judge only on their own sheets, and the
public never sees phone numbers or one judge's scores."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contests.models import (
    CertificateBatch,
    Entrant,
    Event,
    Objection,
    ResultsPage,
    Score,
    Sheet,
)
from contests.services.publishing import publish_provisional, start_public_notice
from tests.contests.helpers import csv_file, fill, ready_event
from tests.factories import UserFactory
from tests.factories.contests import make_contest

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


@pytest.fixture
def other(index):
    """Contest B: organised by someone else, scored, with a submitted sheet, an objection, a
    results page in workflow and a certificate batch."""
    owner = UserFactory(username="org-b", role="organizer")
    contest = make_contest(index, title="2024年奉化区焊工技能竞赛", organizers=[owner])
    event, sheets = ready_event(contest, name="焊接")
    Entrant.objects.filter(event=event).update(phone=PHONE)
    fill(event, sheets)
    Sheet.objects.filter(pk=sheets[0].pk).update(submitted_at=datetime.datetime.now(datetime.UTC))
    objection = Objection.objects.create(event=event, name="张三", contact="139", message="复核")
    publish_provisional(event, owner)
    CertificateBatch.objects.create(event=event, started_by=owner, total=1)
    return {"owner": owner, "contest": contest, "event": event, "sheets": sheets, "o": objection}


def admin_refused(response):
    """The Wagtail admin answers a PermissionDenied with 403, or a redirect to its dashboard
    carrying "you do not have permission"."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response["Location"] == "/admin/"


def snapshot(event):
    """Everything an outsider's request could change in contest B."""
    return (
        list(Entrant.objects.filter(event=event).values_list("bib", "status").order_by("bib")),
        list(Score.objects.filter(sheet__event=event).values_list("points").order_by("id")),
        list(Sheet.objects.filter(event=event).values_list("judge_id", "submitted_at")),
        list(event.criteria.values_list("name", "maximum")),
        list(event.tiers.values_list("name", "count")),
        list(Objection.objects.filter(event=event).values_list("status", "answer")),
        list(ResultsPage.objects.filter(event=event).values_list("stage", "live")),
        Event.objects.filter(contest=event.contest).count(),
        CertificateBatch.objects.filter(event=event).count(),
    )


def b_urls(b):
    c, e, s, o = b["contest"].pk, b["event"].pk, b["sheets"][0].pk, b["o"].pk
    entrant = b["event"].entrants.first().pk
    m = "/app/contests/manage"
    gets = [
        f"{m}/contest/{c}/",
        f"{m}/event/{e}/",
        f"{m}/event/{e}/scheme/",
        f"{m}/event/{e}/entrants/",
        f"{m}/event/{e}/results.csv",
        f"{m}/event/{e}/results.xlsx",
        f"{m}/event/{e}/print/",
        f"{m}/event/{e}/print/?filled=1",
        f"{m}/event/{e}/certificates/progress/",
        f"{m}/objections/{o}/",
    ]
    scores = "编号,评委,评分项,分数\n001,x,实操,1\n"
    posts = [
        (f"{m}/contest/{c}/", {"event-name": "新项目", "event-rule": "mean"}),
        (f"{m}/contest/{c}/import/", {"file": ("a.csv", "姓名,单位,项目\n甲,乙,焊接\n")}),
        (f"{m}/event/{e}/scheme/", {"event-name": "改名"}),
        (f"{m}/event/{e}/scheme/copy/", {"source": e}),
        (f"{m}/event/{e}/scheme/import/", {"file": ("s.csv", "评分项,满分\n新,10\n")}),
        (f"{m}/event/{e}/entrants/", {"name": "甲", "unit": "乙", "bib": ""}),
        (f"{m}/event/{e}/entrants/{entrant}/status/", {"status": "absent"}),
        (f"{m}/event/{e}/judges/", {"judges": []}),
        (f"{m}/event/{e}/sheets/{s}/unlock/", {"reason": "偷偷解锁"}),
        (f"{m}/event/{e}/scores/import/", {"file": ("s.csv", scores)}),
        (f"{m}/event/{e}/publish/", {"action": "provisional"}),
        (f"{m}/event/{e}/publish/", {"action": "notice"}),
        (f"{m}/event/{e}/publish/", {"action": "final"}),
        (f"{m}/event/{e}/publish/", {"action": "correct", "reason": "x"}),
        (f"{m}/event/{e}/certificates/", {}),
        (f"{m}/objections/{o}/", {"status": "dismissed", "answer": "驳回"}),
    ]
    return gets, posts


def post(client, url, data):
    data = dict(data)
    if "file" in data:
        name, text = data["file"]
        data["file"] = SimpleUploadedFile(name, text.encode())
    return client.post(url, data)


def test_organizer_of_contest_a_gets_404_on_every_url_of_contest_b(
    client, contest, organizer, other
):
    ready_event(contest, name="女装裁剪")
    before = snapshot(other["event"])
    client.force_login(organizer)
    gets, posts = b_urls(other)
    for url in gets:
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert PHONE not in response.content.decode(errors="replace"), url
    for url, data in posts:
        assert post(client, url, data).status_code in (403, 404), url
    assert snapshot(other["event"]) == before
    listing = client.get("/app/contests/manage/").content.decode()
    assert "焊工" not in listing


def test_organizer_cannot_reach_contest_b_through_their_own_event(
    client, contest, organizer, other
):
    event, _sheets = ready_event(contest, name="女装裁剪")
    before = snapshot(other["event"])
    client.force_login(organizer)
    b_entrant = other["event"].entrants.first()
    b_sheet = other["sheets"][0]
    base = f"/app/contests/manage/event/{event.pk}"
    response = client.post(f"{base}/entrants/{b_entrant.pk}/status/", {"status": "absent"})
    assert response.status_code == 404
    response = client.post(f"{base}/sheets/{b_sheet.pk}/unlock/", {"reason": "x"})
    assert response.status_code == 404
    # B's event is not offered, and not accepted, as a scheme to copy
    assert "焊接" not in client.get(f"{base}/scheme/").content.decode()
    response = client.post(f"{base}/scheme/copy/", {"source": other["event"].pk})
    assert response.status_code == 400
    assert snapshot(other["event"]) == before


def test_organizer_of_contest_a_cannot_use_the_wagtail_admin_on_contest_b(
    client, contest, organizer, other
):
    results = ResultsPage.objects.get(event=other["event"])
    state = results.current_workflow_state
    task_state = state.current_task_state
    client.force_login(organizer)
    admin = "/admin/pages"
    for method, url in (
        ("get", f"{admin}/{other['contest'].pk}/edit/"),
        ("get", f"{admin}/{results.pk}/edit/"),
        ("post", f"{admin}/workflow/action/{results.pk}/approve/{task_state.pk}/"),
        ("post", f"{admin}/{other['contest'].pk}/unpublish/"),
        ("post", f"{admin}/{other['contest'].pk}/delete/"),
        ("post", f"{admin}/{other['contest'].pk}/copy/"),
    ):
        response = getattr(client, method)(url)
        assert admin_refused(response), url
    results.refresh_from_db()
    other["contest"].refresh_from_db()
    assert not results.live and results.stage == "provisional"
    assert other["contest"].live
    dashboard = client.get("/admin/").content.decode()
    assert "焊接" not in dashboard


def test_approving_in_the_wagtail_admin_starts_the_notice_like_the_workspace(client, other):
    results = ResultsPage.objects.get(event=other["event"])
    task_state = results.current_workflow_state.current_task_state
    client.force_login(other["owner"])
    response = client.post(f"/admin/pages/workflow/action/{results.pk}/approve/{task_state.pk}/")
    assert response.status_code in (200, 302)
    results.refresh_from_db()
    assert results.live and results.stage == "notice" and results.notice_until


def test_demo_judge2_cannot_read_or_write_demo_judges_sheet(client, contest):
    event, sheets = ready_event(contest)
    other_event, other_sheets = ready_event(contest, name="男装裁剪")
    judge, judge2 = sheets[0].judge, other_sheets[1].judge
    entrant, criterion = event.entrants.first(), event.criteria.first()
    client.force_login(judge2)
    url = f"/app/contests/judging/sheet/{sheets[0].pk}/"
    assert client.get(url).status_code == 404
    response = client.post(url, {f"s-{entrant.pk}-{criterion.pk}": "50", "action": "submit"})
    assert response.status_code == 404
    assert not Score.objects.exists()
    assert "女装裁剪" not in client.get("/app/contests/judging/").content.decode()
    for path in (
        f"/app/contests/manage/event/{event.pk}/",
        f"/app/contests/manage/event/{event.pk}/print/",
        f"/app/contests/manage/event/{event.pk}/results.csv",
        "/app/contests/manage/",
    ):
        assert client.get(path).status_code in (403, 404), path
    # Cells of another event posted into judge2's own sheet are ignored, not saved.
    own = f"/app/contests/judging/sheet/{other_sheets[1].pk}/"
    client.post(own, {f"s-{entrant.pk}-{criterion.pk}": "50", "action": "draft"})
    assert not Score.objects.filter(entrant=entrant).exists()
    client.force_login(judge)
    assert client.get(url).status_code == 200


def test_a_judge_sees_only_the_events_assigned_to_them(client, contest):
    event, sheets = ready_event(contest)
    ready_event(contest, name="男装裁剪")
    client.force_login(sheets[0].judge)
    html = client.get("/app/contests/judging/").content.decode()
    assert "女装裁剪" in html and "男装裁剪" not in html


def test_anonymous_visitors_see_no_phone_and_no_judge_scores(client, contest, organizer):
    event, sheets = ready_event(contest)
    Entrant.objects.filter(event=event).update(phone=PHONE)
    fill(event, sheets)
    Score.objects.filter(sheet=sheets[0]).update(points="77.77")  # one judge's own score
    publish_provisional(event, organizer)
    page = start_public_notice(event, organizer)
    client.logout()
    for url in (
        "/contests/",
        "/en/contests/",
        contest.url,
        contest.url + "register/",
        page.url,
        "/en" + page.url,
        "/contests/archive/",
    ):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert PHONE not in html, url
        assert "77.77" not in html, url
        for sheet in sheets:
            assert sheet.judge.get_full_name() not in html, url
    base = f"/app/contests/manage/event/{event.pk}"
    for url in (
        f"{base}/results.csv",
        f"{base}/results.xlsx",
        f"{base}/print/",
        f"{base}/certificates/progress/",
        "/app/contests/judging/",
        f"/app/contests/judging/sheet/{sheets[0].pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_results_export_has_no_phone_or_judge_columns(client, contest, organizer):
    event, sheets = ready_event(contest)
    Entrant.objects.filter(event=event).update(phone=PHONE)
    fill(event, sheets)
    client.force_login(organizer)
    text = client.get(f"/en/app/contests/manage/event/{event.pk}/results.csv").content.decode()
    assert text.lstrip("\ufeff").splitlines()[0] == (
        "rank,bib,name,unit,实操,理论,total,award,tie-break"
    )
    assert PHONE not in text


def test_import_file_cannot_target_another_contests_event(client, contest, organizer, other):
    client.force_login(organizer)
    data = "姓名,单位,项目\n甲,乙,焊接\n"  # B's event name
    response = client.post(
        f"/app/contests/manage/contest/{contest.pk}/import/", {"file": csv_file(data)}
    )
    assert response.status_code == 400
    assert "焊接" in response.content.decode()
    assert not Entrant.objects.filter(name="甲").exists()
