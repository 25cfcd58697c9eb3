import datetime
import io
import sys
import time
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from academy.models import EntryCompetency, Pairing
from academy.services import pairings as services
from core.models import Certificate
from tests.factories import UserFactory
from tests.factories.academy import LogEntryFactory, PairingFactory

# A request with the broker down answers at once; a coverage tracer (CI) slows it about
# threefold, so the budget scales with it there.
ANSWER_SECONDS = 3 if sys.gettrace() is None else 9

pytestmark = pytest.mark.django_db


def _new_pairing_fields(pairing, **overrides):
    fields = {
        "mentor": pairing.mentor,
        "apprentice": pairing.apprentice,
        "trade": pairing.trade,
        "start": timezone.localdate(),
        "planned_end": timezone.localdate() + datetime.timedelta(days=200),
        "target_hours": Decimal("100"),
        "target_level": 4,
    }
    fields.update(overrides)
    return fields


def test_a_mentor_cannot_be_paired_with_themself(pairing):
    with pytest.raises(ValidationError) as refusal:
        services.create_pairing(**_new_pairing_fields(pairing, apprentice=pairing.mentor))
    assert "师傅不能与自己结对" in str(refusal.value)
    assert Pairing.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():  # the database agrees
        PairingFactory(mentor=pairing.mentor, apprentice=pairing.mentor)


def test_a_second_active_pairing_in_the_same_trade_is_refused(pairing):
    with pytest.raises(ValidationError) as refusal:
        services.create_pairing(**_new_pairing_fields(pairing))
    assert "已有进行中的结对" in str(refusal.value)
    assert Pairing.objects.count() == 1
    # Another trade, or after the first is completed, is fine.
    services.create_pairing(**_new_pairing_fields(pairing, trade=PairingFactory().trade))
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.COMPLETED)
    services.create_pairing(**_new_pairing_fields(pairing))


def test_admin_form_refuses_the_same_rules(client, pairing, manager):
    client.force_login(manager)
    url = reverse("wagtailsnippets_academy_pairing:add")
    assert client.get(url).status_code == 200
    data = {
        "mentor": pairing.mentor.pk,
        "apprentice": pairing.apprentice.pk,
        "trade": pairing.trade.pk,
        "start": timezone.localdate().isoformat(),
        "planned_end": (timezone.localdate() + datetime.timedelta(days=100)).isoformat(),
        "target_hours": "100",
        "target_level": "4",
        "status": "active",
        "break_reason": "",
        "goals": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert Pairing.objects.count() == 1
    data["apprentice"] = UserFactory(role="apprentice").pk
    data["competencies"] = [PairingFactory(competencies=1).competencies.get().pk]
    response = client.post(url, data)
    assert "属于其他工种" in response.content.decode()
    data["competencies"] = list(pairing.competencies.values_list("pk", flat=True))
    response = client.post(url, data)
    assert response.status_code == 302
    assert Pairing.objects.filter(mentor=pairing.mentor).count() == 2


def test_mentor_puts_a_pairing_on_break_with_a_reason(client, pairing):
    client.force_login(pairing.mentor)
    url = reverse("academy:pairing_status", args=[pairing.pk])
    refused = client.post(url, {"status": "on_break", "reason": ""})
    assert refused.status_code == 400
    assert "请填写暂停原因" in refused.content.decode()
    assert client.post(url, {"status": "withdrawn"}).status_code == 400  # managers only
    response = client.post(url, {"status": "on_break", "reason": "生产旺季"})
    assert response.status_code == 302
    pairing.refresh_from_db()
    assert pairing.status == "on_break" and pairing.break_reason == "生产旺季"
    client.force_login(pairing.apprentice)
    assert client.post(url, {"status": "active"}).status_code == 403


def test_withdrawing_asks_first(client, pairing, manager):
    client.force_login(manager)
    url = reverse("academy:pairing_status", args=[pairing.pk])
    ask = client.post(url, {"status": "withdrawn", "reason": "调岗"})
    assert ask.status_code == 200
    html = ask.content.decode()
    assert "终止结对" in html and 'name="confirm" value="yes"' in html
    pairing.refresh_from_db()
    assert pairing.status == "active"  # asking saved nothing
    done = client.post(url, {"status": "withdrawn", "reason": "调岗", "confirm": "yes"})
    assert done.status_code == 302
    pairing.refresh_from_db()
    assert pairing.status == "withdrawn"
    again = client.post(url, {"status": "active", "confirm": "yes"})
    assert again.status_code == 400
    assert "已出师或已终止的结对不能更改状态" in again.content.decode()


def _meet_targets(pairing):
    entry = LogEntryFactory(pairing=pairing, hours=Decimal("10"), confirmed_at=timezone.now())
    EntryCompetency.objects.bulk_create(
        EntryCompetency(entry=entry, competency=c, rating=3) for c in pairing.competencies.all()
    )


def test_unconfirmed_hours_do_not_count_and_the_completion_page_lists_them(
    client, pairing, manager
):
    _meet_targets(pairing)
    pairing.entries.update(confirmed_at=None)
    client.force_login(manager)
    page = client.get(reverse("academy:pairing_complete", args=[pairing.pk])).content.decode()
    assert "尚未确认的记录" in page and "等待学徒确认" in page
    assert "学徒已确认 0 / " in page
    response = client.post(reverse("academy:pairing_complete", args=[pairing.pk]))
    assert response.status_code == 400
    assert "尚未达标：已确认 0 / 10.0 小时" in response.content.decode()
    pairing.refresh_from_db()
    assert pairing.status == "active" and not Certificate.objects.exists()


def test_completion_waits_for_the_targets(client, pairing, manager):
    LogEntryFactory(pairing=pairing, hours=Decimal("4"))
    client.force_login(manager)
    response = client.post(reverse("academy:pairing_complete", args=[pairing.pk]))
    assert response.status_code == 400
    assert "尚未达标" in response.content.decode()
    pairing.refresh_from_db()
    assert pairing.status == "active" and not Certificate.objects.exists()


def test_manager_completes_and_the_certificate_verifies(
    client, pairing, manager, django_capture_on_commit_callbacks
):
    _meet_targets(pairing)
    client.force_login(pairing.mentor)
    assert client.post(reverse("academy:pairing_complete", args=[pairing.pk])).status_code == 403
    client.force_login(manager)
    page = client.get(reverse("academy:pairing_complete", args=[pairing.pk]))
    assert page.status_code == 200
    assert "达到的技能等级" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("academy:pairing_complete", args=[pairing.pk]), {"reached_level": "3"}
        )
    assert response.status_code == 302
    pairing.refresh_from_db()
    assert pairing.status == "completed" and pairing.completed_on == timezone.localdate()
    assert pairing.reached_level == 3
    certificate = pairing.certificate
    assert certificate.kind == Certificate.Kind.APPRENTICESHIP
    assert "达到等级：三级" in certificate.details or "达到等级：" in certificate.details
    reached = "、".join(sorted(pairing.competencies.values_list("name", flat=True)))
    assert f"达成能力：{reached}" in certificate.details
    assert "目标等级" not in certificate.details
    assert certificate.recipient_name == pairing.apprentice.first_name
    certificate.refresh_from_db()
    assert certificate.is_rendered  # the Celery task ran (eagerly in tests)
    client.logout()
    verify = client.get(reverse("core:verify_code", args=[certificate.code]))
    assert verify.status_code == 200
    assert pairing.apprentice.first_name in verify.content.decode()
    # Completed: no more entries, and no second completion.
    again = client.post(reverse("academy:pairing_complete", args=[pairing.pk]))
    assert again.status_code == 302  # anonymous: to the login page
    client.force_login(manager)
    assert client.post(reverse("academy:pairing_complete", args=[pairing.pk])).status_code == 400
    assert Certificate.objects.count() == 1


class TestManagerView:
    def test_only_managers(self, client, pairing):
        client.force_login(pairing.mentor)
        assert client.get(reverse("academy:manager_pairings")).status_code == 403

    def test_lists_filters_and_flags(self, client, pairing, other_pairing, manager):
        stale = PairingFactory(start=timezone.localdate() - datetime.timedelta(days=120))
        LogEntryFactory(pairing=stale, date=timezone.localdate() - datetime.timedelta(days=45))
        LogEntryFactory(pairing=pairing, hours=Decimal("2.5"))
        client.force_login(manager)
        url = reverse("academy:manager_pairings")
        html = client.get(url).content.decode()
        for p in (pairing, other_pairing, stale):
            assert p.apprentice.first_name in html
        assert "停滞" in html
        only_stale = client.get(url, {"stale": "on"}).content.decode()
        assert stale.apprentice.first_name in only_stale
        assert pairing.apprentice.first_name not in only_stale
        by_mentor = client.get(url, {"mentor": pairing.mentor.pk}).content.decode()
        assert pairing.apprentice.first_name in by_mentor
        assert other_pairing.apprentice.first_name not in by_mentor
        assert client.get(url, {"status": "bogus"}).status_code == 400
        assert client.get(url, {"trade": "abc"}).status_code == 400
        assert client.get(url, {"export": "pdf"}).status_code == 400
        assert client.get(url, {"page": "99"}).status_code == 404

    def test_csv_and_xlsx_exports(self, client, pairing, other_pairing, manager):
        LogEntryFactory(pairing=pairing, hours=Decimal("2.5"))
        client.force_login(manager)
        url = reverse("academy:manager_pairings")
        response = client.get(url, {"export": "csv", "mentor": pairing.mentor.pk})
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        assert response.status_code == 200
        assert "已记学时" in body and "2.5" in body
        assert pairing.apprentice.first_name in body
        assert other_pairing.apprentice.first_name not in body
        xlsx = client.get(url, {"export": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.getvalue())).active
        rows = list(sheet.values)
        assert len(rows) == 3  # heading + two pairings
        assert "师傅" in rows[0] or "Mentor" in rows[0]

    def test_mentors_cannot_export_everything(self, client, pairing):
        client.force_login(pairing.mentor)
        assert client.get(reverse("academy:manager_pairings"), {"export": "csv"}).status_code == 403


def test_manager_finds_the_pairings_ready_to_complete(client, pairing, other_pairing, manager):
    _meet_targets(pairing)
    client.force_login(manager)
    response = client.get(reverse("academy:manager_pairings"), {"ready": "on"})
    assert list(response.context["pairings"]) == [pairing]
    export = client.get(reverse("academy:manager_pairings"), {"ready": "on", "export": "csv"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert pairing.apprentice.first_name in body
    assert other_pairing.apprentice.first_name not in body


def test_manager_admin_listing_with_totals_and_export(client, pairing, manager):
    LogEntryFactory(pairing=pairing, hours=Decimal("2.5"))
    client.force_login(manager)
    listing = client.get(reverse("wagtailsnippets_academy_pairing:list"))
    assert listing.status_code == 200
    assert pairing.apprentice.first_name in listing.content.decode()
    export = client.get(reverse("wagtailsnippets_academy_pairing:list"), {"export": "csv"})
    assert "2.5" in b"".join(export.streaming_content).decode("utf-8-sig")
    trades = client.get(reverse("wagtailsnippets_academy_trade:edit", args=[pairing.trade.pk]))
    assert trades.status_code == 200
    assert pairing.competencies.first().name in trades.content.decode()


def test_completing_with_the_broker_down_answers_at_once_and_the_sweep_draws_it_later(
    client, pairing, manager, django_capture_on_commit_callbacks
):
    """
    import sysThe broker is down: the completion is saved, the certificate waits in the outbox, and
        the sweep draws it once the broker is back (eager here), once."""
    from django.core.management import call_command

    from core.models import PendingTask
    from tests.celery_helpers import broker_down

    _meet_targets(pairing)
    client.force_login(manager)
    url = reverse("academy:pairing_complete", args=[pairing.pk])
    with broker_down():
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url)
        elapsed = time.monotonic() - started
    assert response.status_code == 302 and elapsed < ANSWER_SECONDS, elapsed
    pairing.refresh_from_db()
    assert pairing.status == "completed"
    certificate = pairing.certificate
    assert not certificate.is_rendered
    row = PendingTask.objects.get()
    assert row.task_name == "core.tasks.render_certificate_task" and row.args == [certificate.pk]
    assert row.status == PendingTask.Status.PENDING and "refused" in row.last_error.lower()
    page = client.get(response["Location"]).content.decode()
    assert f"证书{certificate.code}正在生成" in page

    def sweep():
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_pending_tasks", older_than=0, stdout=io.StringIO())

    sweep()
    certificate.refresh_from_db()
    row.refresh_from_db()
    assert certificate.is_rendered
    assert row.status == PendingTask.Status.DONE and row.attempts == 1
    drawn = (certificate.png.name, certificate.pdf.name)
    sweep()  # nothing left to do
    certificate.refresh_from_db()
    assert (certificate.png.name, certificate.pdf.name) == drawn
    assert Certificate.objects.count() == 1
    assert list(PendingTask.objects.values_list("status", "attempts")) == [("done", 1)]
