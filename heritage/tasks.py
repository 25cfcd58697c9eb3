"""Reminders: the day before a session, and the roll calls still missing each Monday."""

import datetime

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.roles import manager_emails

from .models import Session
from .services.roll_call import missing_roll_calls


@shared_task
def send_session_reminders(day=None):
    """Email each teacher and craftsman of tomorrow's sessions: lesson, time, place, materials.

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
    with translation.override("zh-hans"):
        for person, items in by_person.items():
            context = {"person": person, "sessions": items, "day": tomorrow}
            send_mail(
                render_to_string("heritage/email/reminder_subject.txt", context).strip(),
                render_to_string("heritage/email/reminder.txt", context),
                settings.DEFAULT_FROM_EMAIL,
                [person.email],
            )
            sent += 1
    Session.objects.filter(pk__in=[s.pk for s in sessions]).update(reminded_at=timezone.now())
    return sent


@shared_task
def report_missing_roll_calls(day=None):
    """Every Monday: tell the managers which sessions of the past week ended without a roll."""
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
        send_mail(
            render_to_string("heritage/email/missing_subject.txt", context).strip(),
            render_to_string("heritage/email/missing.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            recipients,
        )
    return len(sessions)
