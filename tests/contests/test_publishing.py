import datetime
import sys

import pytest
from django.core import mail  # noqa: F401 - locmem backend in tests
from django.utils import timezone

from contests.models import Entrant, Objection, ResultsPage
from contests.tasks import close_public_notices
from core.models import Certificate
from tests.contests.helpers import fill, ready_event
from tests.contests.qr_decode import decode

# A request with the broker down answers at once; a coverage tracer (CI) slows it about
# threefold, so the budget scales with it there.
ANSWER_SECONDS = 3 if sys.gettrace() is None else 9

pytestmark = pytest.mark.django_db


def publish(client, event, action, **extra):
    return client.post(
        f"/app/contests/manage/event/{event.pk}/publish/", {"action": action, **extra}
    )


def test_publishing_incomplete_results_is_refused_with_the_missing_list(client, contest, organizer):
    event, sheets = ready_event(contest)
    client.force_login(organizer)
    response = publish(client, event, "provisional")
    html = response.content.decode()
    assert response.status_code == 400
    assert "18" in html and "001" in html
    assert not ResultsPage.objects.exists()


def test_provisional_notice_objection_final_correction(client, contest, organizer):
    event, sheets = ready_event(contest)
    fill(event, sheets)
    client.force_login(organizer)
    assert publish(client, event, "provisional").status_code == 302
    page = ResultsPage.objects.get(event=event)
    assert not page.live
    client.logout()
    assert client.get(f"/contests/{contest.slug}/{page.slug}/").status_code == 404

    client.force_login(organizer)
    assert publish(client, event, "notice").status_code == 302
    page.refresh_from_db()
    assert page.live and page.stage == "notice"
    client.logout()
    public = client.get(page.url)
    html = public.content.decode()
    assert public.status_code == 200
    assert "公示至" in html and "选手1" in html and "一等奖" in html
    assert "138" not in html  # no phone numbers
    response = client.post(
        page.url + "objection/", {"name": "张三", "contact": "13900000000", "message": ""}
    )
    assert response.status_code == 400
    response = client.post(
        page.url + "objection/", {"name": "张三", "contact": "13900000000", "message": "成绩有误"}
    )
    assert response.status_code == 302
    objection = Objection.objects.get()

    client.force_login(organizer)
    assert publish(client, event, "final").status_code == 400  # notice not over yet
    later = timezone.localdate() + datetime.timedelta(days=30)
    close_public_notices.apply()
    assert ResultsPage.objects.get(pk=page.pk).stage == "notice"
    from contests.services.publishing import close_due_notices

    closed, held = close_due_notices(later)
    assert held == [page.pk] and closed == []  # an open objection holds it
    response = client.post(
        f"/app/contests/manage/objections/{objection.pk}/",
        {"status": "dismissed", "answer": "经复核成绩无误"},
    )
    assert response.status_code == 302
    closed, held = close_due_notices(later)
    assert closed == [page.pk]
    page.refresh_from_db()
    assert page.stage == "final"

    Entrant.objects.filter(event=event, bib="002").update(status="disqualified")
    assert publish(client, event, "correct", reason="").status_code == 400
    assert publish(client, event, "correct", reason="002号选手违规").status_code == 302
    client.logout()
    html = client.get(page.url).content.decode()
    assert "002号选手违规" in html and "更正" in html
    assert page.revisions.count() >= 3


def test_certificates_batch_and_verification(
    client, contest, organizer, django_capture_on_commit_callbacks
):
    event, sheets = ready_event(contest)
    fill(event, sheets)
    client.force_login(organizer)
    publish(client, event, "provisional")
    publish(client, event, "notice")
    ResultsPage.objects.filter(event=event).update(
        notice_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert publish(client, event, "final").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/app/contests/manage/event/{event.pk}/certificates/")
    assert response.status_code == 302
    certificates = Certificate.objects.filter(kind="contest")
    assert certificates.count() == 3
    assert all(c.is_rendered for c in certificates)
    progress = client.get(f"/app/contests/manage/event/{event.pk}/certificates/progress/").json()
    assert progress["percent"] == 100 and progress["done"] == 3
    client.logout()
    certificate = certificates.first()
    # The QR code printed on the PNG, decoded, is the public verification page's address.
    with certificate.png.open("rb") as png:
        url = decode(png)
    assert url == f"http://testserver/verify/{certificate.code}/"
    verify = client.get(url.removeprefix("http://testserver"))
    assert verify.status_code == 200 and "选手" in verify.content.decode()
    assert "verdict--valid" in verify.content.decode()


def test_exports_in_english_have_the_exact_columns(client, contest, organizer):
    event, sheets = ready_event(contest)
    fill(event, sheets)
    client.force_login(organizer)
    response = client.get(f"/en/app/contests/manage/event/{event.pk}/results.csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "rank,bib,name,unit,实操,理论,total,award,tie-break"
    assert lines[1].startswith("1,001,选手1,")
    response = client.get(f"/app/contests/manage/event/{event.pk}/results.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_organizer_outside_the_contest_gets_404(client, contest, user_factory):
    event, sheets = ready_event(contest)
    other = user_factory(username="org2", role="organizer")
    client.force_login(other)
    for path in (
        f"/app/contests/manage/contest/{contest.pk}/",
        f"/app/contests/manage/event/{event.pk}/",
        f"/app/contests/manage/event/{event.pk}/results.csv",
        f"/app/contests/manage/event/{event.pk}/print/",
        f"/app/contests/manage/event/{event.pk}/entrants/",
    ):
        assert client.get(path).status_code == 404, path
    assert publish(client, event, "provisional").status_code == 404
    assert "服装裁剪" not in client.get("/app/contests/manage/").content.decode()
    client.force_login(user_factory(username="judge-z", role="judge"))
    assert client.get(f"/app/contests/manage/event/{event.pk}/").status_code == 403


def test_registration_inside_and_outside_the_window(client, contest, index):
    from tests.factories.contests import EventFactory, make_contest

    event = EventFactory(contest=contest, name="女装裁剪")
    url = contest.url + "register/"
    data = {"event": event.pk, "name": "王小芳", "unit": "奉化某服饰", "phone": "13800000001"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert Entrant.objects.get().bib == "001"
    response = client.post(url, data)
    assert response.status_code == 400 and "已经报名" in response.content.decode()
    closed = make_contest(
        index,
        title="已截止",
        registration_opens=datetime.date(2024, 1, 1),
        registration_closes=datetime.date(2024, 1, 10),
    )
    closed_event = EventFactory(contest=closed, name="焊工")
    response = client.post(closed.url + "register/", {**data, "event": closed_event.pk})
    assert response.status_code == 400
    assert Entrant.objects.count() == 1


def test_public_pages_and_filters(client, contest, index):
    from tests.factories.contests import make_contest

    make_contest(index, title="镇级焊工比赛", level="town")
    html = client.get("/contests/?level=town").content.decode()
    assert "镇级焊工比赛" in html and "服装裁剪" not in html
    assert client.get("/contests/?level=galaxy").status_code == 400
    assert client.get("/contests/?year=abc").status_code == 400
    assert client.get("/en/contests/").status_code == 200
    assert client.get("/contests/archive/").status_code == 200
    assert client.get(contest.url).status_code == 200


def test_results_page_query_count_does_not_grow(
    client, contest, organizer, django_assert_max_num_queries
):
    pages = []
    for name, size in (("A", 2), ("B", 30)):
        event, sheets = ready_event(contest, entrants=size, name=name)
        fill(event, sheets)
        client.force_login(organizer)
        publish(client, event, "provisional")
        publish(client, event, "notice")
        pages.append(ResultsPage.objects.get(event=event))
    client.logout()
    client.get(pages[0].url + "?warm=1")
    counts = []
    for page in pages:
        with django_assert_max_num_queries(20) as ctx:
            assert client.get(page.url + "?nocache=1").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("query", ["", "?filled=1"])
def test_score_sheets_have_one_heading_and_a_section_per_judge(client, contest, organizer, query):
    # Found by the site crawl: the print view had no <h1> without judges and one per judge.
    event, sheets = ready_event(contest)
    client.force_login(organizer)
    html = client.get(f"/app/contests/manage/event/{event.pk}/print/{query}").content.decode()
    assert html.count("<h1") == 1
    assert html.count('<section class="print-page">') == len(sheets) > 1
    event.sheets.all().delete()
    html = client.get(f"/app/contests/manage/event/{event.pk}/print/{query}").content.decode()
    assert html.count("<h1") == 1 and "print-page" not in html


@pytest.mark.parametrize("contact", ["-1", "NaN", "1e309", "139", "someone@", "a" * 90])
def test_an_objection_needs_a_phone_or_an_email_to_answer(client, contest, organizer, contact):
    # Found by the form fuzz: any text was taken as the sender's contact ("-1", "NaN").
    event, sheets = ready_event(contest)
    fill(event, sheets)
    client.force_login(organizer)
    publish(client, event, "provisional")
    publish(client, event, "notice")
    client.logout()
    url = ResultsPage.objects.get(event=event).url + "objection/"
    response = client.post(url, {"name": "张三", "contact": contact, "message": "成绩有误"})
    assert response.status_code == 400
    assert "请填写电话号码或电子邮箱" in response.content.decode()
    assert not Objection.objects.exists()
    for good in ("13900000000", "zhang@example.com"):
        response = client.post(url, {"name": "张三", "contact": good, "message": "成绩有误"})
        assert response.status_code == 302
    assert Objection.objects.count() == 2


def test_a_batch_started_with_the_broker_down_waits_and_the_sweep_makes_it_once(
    client, contest, organizer, django_capture_on_commit_callbacks
):
    """
    import sysThe broker is down: the batch is saved and says it waits for the worker; once the
        broker is back (eager here) the sweep issues and draws every certificate, once."""
    import io
    import time

    from django.core.management import call_command

    from contests.models import CertificateBatch
    from core.models import PendingTask
    from tests.celery_helpers import broker_down

    event, sheets = ready_event(contest)
    fill(event, sheets)
    client.force_login(organizer)
    publish(client, event, "provisional")
    publish(client, event, "notice")
    ResultsPage.objects.filter(event=event).update(
        notice_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert publish(client, event, "final").status_code == 302
    with broker_down():
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/app/contests/manage/event/{event.pk}/certificates/")
        elapsed = time.monotonic() - started
    assert response.status_code == 302 and elapsed < ANSWER_SECONDS, elapsed
    batch = CertificateBatch.objects.get()
    assert batch.status == CertificateBatch.Status.QUEUED and batch.total == 3
    row = PendingTask.objects.get()
    assert row.task_name == "contests.tasks.issue_certificates_task" and row.args == [batch.pk]
    assert row.status == PendingTask.Status.PENDING
    assert not Certificate.objects.exists()
    assert "证书正在生成" in client.get(response["Location"]).content.decode()
    progress_url = f"/app/contests/manage/event/{event.pk}/certificates/progress/"
    assert client.get(progress_url).json() == {
        "status": "queued",
        "label": "排队中",
        "waiting": True,
        "total": 3,
        "done": 0,
        "percent": 0,
    }
    html = client.get(f"/app/contests/manage/event/{event.pk}/").content.decode()
    assert "<p data-waiting>" in html and '<progress max="100" value="0" hidden>' in html

    def sweep():
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_pending_tasks", older_than=0, stdout=io.StringIO())

    sweep()
    batch.refresh_from_db()
    assert batch.status == CertificateBatch.Status.DONE and batch.done == 3
    certificates = Certificate.objects.filter(kind="contest")
    assert certificates.count() == 3 and all(c.is_rendered for c in certificates)
    assert PendingTask.objects.count() == 4  # the batch, then one drawing per certificate
    assert set(PendingTask.objects.values_list("status", "attempts")) == {("done", 1)}
    progress = client.get(progress_url).json()
    assert progress["waiting"] is False and progress["percent"] == 100
    html = client.get(f"/app/contests/manage/event/{event.pk}/").content.decode()
    assert "<p data-waiting hidden>" in html
    before = sorted(certificates.values_list("code", "png", "pdf"))
    sweep()  # nothing left to do
    assert sorted(certificates.values_list("code", "png", "pdf")) == before
    assert set(PendingTask.objects.values_list("status", "attempts")) == {("done", 1)}
