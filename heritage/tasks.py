"""Reminders: the day before a session, and the roll calls still missing each Monday.

Each email goes to one person, so that nobody sees the others' addresses. The day before, the
WeCom group robots of the kindergartens and of the craftsmen post the classes too
(``services.reminders``), for the people who have no email."""

import datetime

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core import wecom
from core.outbox import OutboxTask
from core.roles import manager_emails

from .models import HeritageSettings, Kindergarten, Session
from .services import reminders
from .services.roll_call import missing_roll_calls


@shared_task
def send_session_reminders(day=None):
    """Email each teacher and craftsman of tomorrow's sessions: lesson, time, place, materials,
    links to the session and its roll call; post them to the kindergartens' and the craftsmen's
    WeCom group robots, one outbox row per message.

    A session is reminded once (``reminded_at``); moving it clears the mark.
    """
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    sessions = list(
        Session.objects.active()
        .filter(starts_at__gte=start, starts_at__lt=end, reminded_at__isnull=True)
        .with_related()
        .order_by("starts_at")
    )
    by_person = {}
    for session in sessions:
        for person in (session.teacher, session.craftsman):
            if person.email:
                by_person.setdefault(person, []).append(session)
    sent = 0
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    with translation.override("zh-hans"):
        for person, items in by_person.items():
            context = {"person": person, "sessions": items, "day": tomorrow, "base_url": base_url}
            send_mail(
                render_to_string("heritage/email/reminder_subject.txt", context).strip(),
                render_to_string("heritage/email/reminder.txt", context),
                settings.DEFAULT_FROM_EMAIL,
                [person.email],
            )
            sent += 1
        with transaction.atomic():
            reminders.enqueue_robot_reminders(sessions, tomorrow)
            Session.objects.filter(pk__in=[s.pk for s in sessions]).update(
                reminded_at=timezone.now()
            )
    return sent


@shared_task(base=OutboxTask)
def send_kindergarten_robot(kindergarten_pk, content):
    """Post a reminder to a kindergarten's teacher group; 0 when its robot was removed since.

    Raises ``core.wecom.WeComError`` on failure, so the outbox tries again."""
    kindergarten = Kindergarten.objects.filter(pk=kindergarten_pk).first()
    if kindergarten is None or not kindergarten.robot_webhook:
        return 0
    wecom.send_robot_message(kindergarten.robot_webhook, content)
    return 1


@shared_task(base=OutboxTask)
def send_craftsmen_robot(content):
    """Post a reminder to the craftsmen's group; 0 when its robot was removed since."""
    robot = HeritageSettings.for_default_site()
    if robot is None or not robot.craftsmen_robot_webhook:
        return 0
    wecom.send_robot_message(robot.craftsmen_robot_webhook, content)
    return 1


@shared_task
def report_missing_roll_calls(day=None):
    """Every Monday: tell the managers, each in an email of their own, which sessions of the
    past week ended without a roll; each line links to the session and to its roll call."""
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    until = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    since = until - datetime.timedelta(days=7)
    sessions = list(missing_roll_calls(since, until))
    if not sessions:
        return 0
    recipients = manager_emails()
    if not recipients:
        return 0
    with translation.override("zh-hans"):
        context = {
            "sessions": sessions,
            "since": since.date(),
            "until": (until - datetime.timedelta(days=1)).date(),
            "base_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/"),
        }
        subject = render_to_string("heritage/email/missing_subject.txt", context).strip()
        body = render_to_string("heritage/email/missing.txt", context)
    for address in recipients:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    return len(sessions)
