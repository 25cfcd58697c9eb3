"""Telling the other side of a pairing what needs them: the apprentice of entries waiting for
confirmation, the mentor of queries, confirmations and unlocks. Sent by email through the
outbox (``academy.tasks.send_logbook_notice``), after the change is committed."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from core import outbox

from ..models import LogEntry

LOGGED, QUERIED, CONFIRMED, UNLOCKED = "logged", "queried", "confirmed", "unlocked"


def notify(kind, entry, reason=""):
    """Send the notice of ``kind`` about ``entry`` once the current transaction commits."""
    from ..tasks import send_logbook_notice

    outbox.enqueue(send_logbook_notice, kind, entry.pk, reason)


def send_notice(kind, entry_pk, reason=""):
    """The email itself; returns how many were sent (0 when the person has no address)."""
    entry = (
        LogEntry.objects.select_related("pairing__mentor", "pairing__apprentice", "pairing__trade")
        .filter(pk=entry_pk)
        .first()
    )
    if entry is None:
        return 0
    pairing = entry.pairing
    recipient = pairing.apprentice if kind == LOGGED else pairing.mentor
    if not recipient.email:
        return 0
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        subjects = {
            LOGGED: _("A session to confirm: %(date)s, %(hours)s h"),
            QUERIED: _("The apprentice queried the session of %(date)s"),
            CONFIRMED: _("The apprentice confirmed the session of %(date)s"),
            UNLOCKED: _("The session of %(date)s was unlocked for a correction"),
        }
        subject = subjects[kind] % {"date": entry.date.isoformat(), "hours": entry.hours}
        waiting = pairing.entries.filter(confirmed_at__isnull=True).count() if kind == LOGGED else 0
        message = render_to_string(
            "academy/email/logbook_notice.txt",
            {
                "kind": kind,
                "entry": entry,
                "pairing": pairing,
                "waiting": waiting,
                "reason": reason,
                "url": base + entry.get_absolute_url(),
            },
        )
    return send_mail(subject, message, None, [recipient.email])
