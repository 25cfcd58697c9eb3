"""Calendar feeds parsed with a real iCalendar parser, and the Celery reminders."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from heritage import tasks
from heritage.models import FeedToken, Session
from tests.factories.heritage import SessionFactory, at

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def feed_urls(client, user):
    client.force_login(user)
    response = client.get(reverse("heritage:feeds"))
    assert response.status_code == 200
    return {item["feed"].kind: item["url"] for item in response.context["items"]}


def events(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return [c for c in Calendar.from_ical(response.content).walk("VEVENT")]


def test_teacher_feed_has_one_event_per_session_with_stable_uid_and_shanghai_time(client, world):
    cancelled = SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group,
        teacher=world.teacher,
        starts_at=at(timezone.localdate() + datetime.timedelta(days=1), 14),
        status=Session.Status.CANCELLED,
    )
    urls = feed_urls(client, world.teacher)
    assert set(urls) == {"teacher", "kindergarten"}
    client.logout()  # calendar apps do not log in
    first = events(client, urls["teacher"])
    again = events(client, urls["teacher"])
    assert len(first) == 2
    assert [str(e["UID"]) for e in first] == [str(e["UID"]) for e in again]
    event = next(e for e in first if str(e["UID"]).startswith(f"session-{world.session.uid}"))
    start = event.decoded("DTSTART")
    assert start.tzinfo is not None and start.astimezone(SHANGHAI).hour == 9
    assert start == world.session.starts_at
    assert "蓝印扎染" in str(event["SUMMARY"]) and "桃源幼儿园" in str(event["SUMMARY"])
    gone = next(e for e in first if str(e["UID"]).startswith(f"session-{cancelled.uid}"))
    assert str(gone["STATUS"]) == "CANCELLED"
    # The kindergarten feed has the same session under the same UID.
    kg_uids = {str(e["UID"]) for e in events(client, urls["kindergarten"])}
    assert str(event["UID"]) in kg_uids


def test_craftsman_feed_and_revoking(client, world):
    urls = feed_urls(client, world.craftsman)
    assert set(urls) == {"craftsman"}
    assert len(events(client, urls["craftsman"])) == 1
    feed = FeedToken.objects.get(owner=world.craftsman)
    assert client.post(reverse("heritage:feed_revoke", args=[feed.pk])).status_code == 302
    assert client.get(urls["craftsman"]).status_code == 404
    new_urls = feed_urls(client, world.craftsman)
    assert new_urls["craftsman"] != urls["craftsman"]
    assert len(events(client, new_urls["craftsman"])) == 1


def test_feed_of_another_teacher_is_not_reachable(client, world):
    urls = feed_urls(client, world.teacher)
    other = feed_urls(client, world.teacher2)
    assert urls["teacher"] != other["teacher"]
    assert len(events(client, other["kindergarten"])) == 0  # teacher2's kindergarten has none
    assert client.get(reverse("heritage:feed", args=["not-a-token"])).status_code == 404


def test_reminder_the_day_before_to_teacher_and_craftsman(world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group,
        teacher=world.teacher,
        starts_at=at(tomorrow, 10),
        place="美工室",
    )
    SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group,
        teacher=world.teacher,
        starts_at=at(tomorrow, 14),
        status=Session.Status.CANCELLED,
    )
    assert tasks.send_session_reminders.delay().get() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["craftsman@example.com", "teacher@example.com"]
    body = mail.outbox[0].body
    assert "扎染初体验" in body and "10:00" in body and "美工室" in body and "白布" in body
    assert "明天" in mail.outbox[0].subject or "tomorrow" in mail.outbox[0].subject
    assert tasks.send_session_reminders() == 0  # not twice


def test_monday_report_of_missing_roll_calls(world):
    monday = timezone.localdate() + datetime.timedelta(days=7 - timezone.localdate().weekday())
    SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group,
        teacher=world.teacher,
        starts_at=at(monday - datetime.timedelta(days=3), 9),
    )
    assert tasks.report_missing_roll_calls.delay(monday.isoformat()).get() >= 1
    assert mail.outbox[0].to == ["manager@example.com"]
    assert "桃源幼儿园" in mail.outbox[0].body and "/roll-call/" in mail.outbox[0].body
