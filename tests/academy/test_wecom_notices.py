"""Logbook notices in WeCom (企业微信) as well as by email, each through its own outbox row,
against a local stand-in of WeCom's API (tests/wecom_server.py)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from academy.models import LogEntry
from core import outbox
from core.models import PendingTask, WeComAccount
from tests import wecom_server
from tests.factories import UserFactory
from tests.factories.academy import LogEntryFactory

pytestmark = pytest.mark.django_db

YESTERDAY = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
EMAIL_TASK = "academy.tasks.send_logbook_notice"
WECOM_TASK = "academy.tasks.send_logbook_wecom"


def _log_session(client, pairing, capture):
    client.force_login(pairing.mentor)
    with capture(execute=True):
        response = client.post(
            reverse("academy:entry_create", args=[pairing.pk]),
            {"date": YESTERDAY, "hours": "2", "skills": "打版"},
        )
    assert response.status_code == 302
    return LogEntry.objects.get(pairing=pairing)


def _row(task_name):
    return PendingTask.objects.get(task_name=task_name)


def test_a_logged_session_reaches_the_apprentice_in_wecom(
    client, pairing, wecom, django_capture_on_commit_callbacks
):
    WeComAccount.objects.create(user=pairing.apprentice, userid="xuetu-zhang")
    WeComAccount.objects.create(user=pairing.mentor, userid="shifu-wang")
    entry = _log_session(client, pairing, django_capture_on_commit_callbacks)

    [message] = wecom.messages
    assert message["touser"] == "xuetu-zhang"
    assert message["msgtype"] == "textcard"
    card = message["textcard"]
    assert card["title"] == mail.outbox[-1].subject
    assert card["title"].startswith("有一条带徒记录待确认：" + YESTERDAY)
    assert YESTERDAY in card["description"] and "2.0 小时" in card["description"]
    assert "请查看，写下心得并确认" in card["description"]
    assert card["url"] == "http://testserver" + entry.get_absolute_url()
    assert card["btntxt"] == "详情"
    # The email went as before, and each channel's row is done.
    assert mail.outbox[-1].to == [pairing.apprentice.email]
    assert _row(EMAIL_TASK).status == PendingTask.Status.DONE
    assert _row(WECOM_TASK).status == PendingTask.Status.DONE


def test_a_query_reaches_the_mentor_with_the_note(
    client, pairing, wecom, django_capture_on_commit_callbacks
):
    WeComAccount.objects.create(user=pairing.apprentice, userid="xuetu-zhang")
    WeComAccount.objects.create(user=pairing.mentor, userid="shifu-wang")
    entry = LogEntryFactory(pairing=pairing, hours=5)
    client.force_login(pairing.apprentice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("academy:entry_query", args=[entry.pk]), {"note": "实际只练了3小时"})
    [message] = wecom.messages
    assert message["touser"] == "shifu-wang"
    assert "实际只练了3小时" in message["textcard"]["description"]
    assert entry.date.isoformat() in message["textcard"]["description"]


def test_an_unlock_tells_the_mentor_the_reason(
    client, pairing, wecom, django_capture_on_commit_callbacks
):
    WeComAccount.objects.create(user=pairing.mentor, userid="shifu-wang")
    entry = LogEntryFactory(pairing=pairing, confirmed_at=timezone.now())
    client.force_login(UserFactory(role="manager", is_staff=True))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("academy:entry_unlock", args=[entry.pk]), {"reason": "日期记错"})
    [message] = wecom.messages
    assert message["touser"] == "shifu-wang"
    assert "原因：日期记错" in message["textcard"]["description"]


def test_a_wecom_failure_is_retried_on_its_own_and_the_email_still_goes(
    client, pairing, wecom, django_capture_on_commit_callbacks
):
    WeComAccount.objects.create(user=pairing.apprentice, userid="xuetu-zhang")
    wecom.send_error = 45009  # WeCom's rate limit
    _log_session(client, pairing, django_capture_on_commit_callbacks)

    assert [message.to for message in mail.outbox] == [[pairing.apprentice.email]]
    assert _row(EMAIL_TASK).status == PendingTask.Status.DONE
    failed = _row(WECOM_TASK)
    assert failed.status == PendingTask.Status.PENDING
    assert "WeComError" in failed.last_error and "45009" in failed.last_error
    assert wecom_server.SECRET not in failed.last_error
    assert "token-" not in failed.last_error

    # WeCom answers again: the sweep sends the WeCom message, and the email is not sent twice.
    wecom.send_error = None
    outbox.send_pending(older_than=0)
    assert _row(WECOM_TASK).status == PendingTask.Status.DONE
    assert wecom.messages[-1]["touser"] == "xuetu-zhang"
    assert len(mail.outbox) == 1


def test_without_a_wecom_userid_only_the_email_goes(
    client, pairing, wecom, django_capture_on_commit_callbacks
):
    WeComAccount.objects.create(user=pairing.mentor, userid="shifu-wang")  # not the recipient
    _log_session(client, pairing, django_capture_on_commit_callbacks)
    assert wecom.messages == [] and wecom.token_fetches == 0
    assert _row(WECOM_TASK).status == PendingTask.Status.DONE
    assert mail.outbox[-1].to == [pairing.apprentice.email]


def test_without_the_settings_no_wecom_task_is_recorded(
    client, pairing, django_capture_on_commit_callbacks
):
    WeComAccount.objects.create(user=pairing.apprentice, userid="xuetu-zhang")
    _log_session(client, pairing, django_capture_on_commit_callbacks)
    assert not PendingTask.objects.filter(task_name=WECOM_TASK).exists()
    assert _row(EMAIL_TASK).status == PendingTask.Status.DONE
    assert mail.outbox[-1].to == [pairing.apprentice.email]
