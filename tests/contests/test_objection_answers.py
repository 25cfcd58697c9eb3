"""An objection's answer reaches its sender (by email when they gave one) and is shown on the
results page once the public notice ends; the form closes at the end of the notice's last day
whether or not the hourly task has run."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from contests.models import Objection, ResultsPage
from tests.contests.helpers import fill, ready_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def noticed(client, contest, organizer):
    event, sheets = ready_event(contest)
    fill(event, sheets)
    client.force_login(organizer)
    for action in ("provisional", "notice"):
        response = client.post(
            f"/app/contests/manage/event/{event.pk}/publish/", {"action": action}
        )
        assert response.status_code == 302
    return ResultsPage.objects.get(event=event)


def send_objection(page, contact):
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get(page.url).content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = visitor.post(
        page.url + "objection/",
        {
            "name": "周晓",
            "contact": contact,
            "message": "002号选手的理论分数似乎录错了。",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    return Objection.objects.latest("created_at")


def answer(client, objection, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            f"/app/contests/manage/objections/{objection.pk}/",
            {"status": "dismissed", "answer": "已复核原始评分表，分数无误。"},
            follow=True,
        )


def test_an_answer_is_emailed_to_a_sender_who_gave_an_address(
    client, noticed, django_capture_on_commit_callbacks
):
    objection = send_objection(noticed, "zhouxiao@example.com")
    response = answer(client, objection, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "已保存答复并发送邮件给提出人" in response.content.decode()
    (email,) = mail.outbox
    assert email.to == ["zhouxiao@example.com"]
    assert noticed.event.name in email.subject
    assert "已复核原始评分表，分数无误。" in email.body and "不成立" in email.body
    assert noticed.url in email.body


def test_a_sender_with_a_phone_number_gets_no_email_and_the_organizer_is_told(
    client, noticed, django_capture_on_commit_callbacks
):
    objection = send_objection(noticed, "13900001111")
    response = answer(client, objection, django_capture_on_commit_callbacks)
    assert "留的是电话号码" in response.content.decode()
    assert mail.outbox == []


def test_the_answer_is_public_once_the_notice_ends_and_the_form_closes_that_day(
    client, noticed, django_capture_on_commit_callbacks
):
    objection = send_objection(noticed, "13900001111")
    answer(client, objection, django_capture_on_commit_callbacks)
    client.logout()

    during = Client().get(noticed.url).content.decode()
    assert 'id="objection"' in during and "分数无误" not in during

    ResultsPage.objects.filter(pk=noticed.pk).update(
        notice_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    noticed.refresh_from_db()
    assert noticed.stage == "notice"  # the hourly task has not run
    after = Client().get(noticed.url).content.decode()
    assert 'id="objection"' not in after
    assert "已复核原始评分表，分数无误。" in after and "002号选手的理论分数似乎录错了。" in after
    assert "周晓" not in after and "13900001111" not in after

    late = Client().post(
        noticed.url + "objection/",
        {"name": "李四", "contact": "13900002222", "message": "还有疑问"},
    )
    assert late.status_code == 400
    assert "公示已结束" in late.content.decode()
    assert Objection.objects.count() == 1
