"""Telling the other side of a pairing what needs them: the apprentice of entries waiting for
confirmation, the mentor of queries, confirmations and unlocks. Sent by email through the
outbox (``academy.tasks.send_logbook_notice``), after the change is committed, and, where
WeCom is configured, as a WeCom (企业微信) app message too (``send_logbook_wecom``): two outbox
rows, so that a failure of one channel is retried without sending the other again."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from core import outbox, wecom
from core.models import WeComAccount

from ..models import LogEntry

LOGGED, QUERIED, CONFIRMED, UNLOCKED = "logged", "queried", "confirmed", "unlocked"


def notify(kind, entry, reason=""):
    """Send the notice of ``kind`` about ``entry`` once the current transaction commits."""
    from ..tasks import send_logbook_notice, send_logbook_wecom

    outbox.enqueue(send_logbook_notice, kind, entry.pk, reason)
    if wecom.is_configured():
        outbox.enqueue(send_logbook_wecom, kind, entry.pk, reason)


def _entry(entry_pk):
    return (
        LogEntry.objects.select_related("pairing__mentor", "pairing__apprentice", "pairing__trade")
        .filter(pk=entry_pk)
        .first()
    )


def _recipient(kind, pairing):
    return pairing.apprentice if kind == LOGGED else pairing.mentor


def _url(entry):
    return getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/") + entry.get_absolute_url()


def _subject(kind, entry):
    """The email's subject and the WeCom card's title, in the active language."""
    subjects = {
        LOGGED: _("A session to confirm: %(date)s, %(hours)s h"),
        QUERIED: _("The apprentice queried the session of %(date)s"),
        CONFIRMED: _("The apprentice confirmed the session of %(date)s"),
        UNLOCKED: _("The session of %(date)s was unlocked for a correction"),
    }
    return subjects[kind] % {"date": entry.date.isoformat(), "hours": entry.hours}


def send_notice(kind, entry_pk, reason=""):
    """The email itself; returns how many were sent (0 when the person has no address)."""
    entry = _entry(entry_pk)
    if entry is None:
        return 0
    pairing = entry.pairing
    recipient = _recipient(kind, pairing)
    if not recipient.email:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _subject(kind, entry)
        waiting = pairing.entries.filter(confirmed_at__isnull=True).count() if kind == LOGGED else 0
        message = render_to_string(
            "academy/email/logbook_notice.txt",
            {
                "kind": kind,
                "entry": entry,
                "pairing": pairing,
                "waiting": waiting,
                "reason": reason,
                "url": _url(entry),
            },
        )
    return send_mail(subject, message, None, [recipient.email])


def _wecom_description(kind, entry, reason):
    """A text card's few lines: the date and hours in grey, then what happened, with the
    apprentice's query or the manager's reason shortened (WeCom keeps 512 bytes)."""
    pairing = entry.pairing
    values = {"date": entry.date.isoformat(), "hours": entry.hours}
    if kind == LOGGED:
        text = _(
            "%(mentor)s logged a session of %(date)s (%(hours)s h). Read it, add your "
            "reflection and confirm it, or query it if something is wrong."
        ) % {**values, "mentor": pairing.mentor_name}
    elif kind == QUERIED:
        text = _("%(apprentice)s queried the session of %(date)s:") % {
            **values,
            "apprentice": pairing.apprentice_name,
        }
        text += " " + Truncator(entry.query_note).chars(60)
    elif kind == CONFIRMED:
        text = _("%(apprentice)s confirmed the session of %(date)s; it is locked.") % {
            **values,
            "apprentice": pairing.apprentice_name,
        }
    else:
        text = _("A manager unlocked the session of %(date)s so that you can correct it.") % values
        if reason:
            text += " " + _("Reason: %(reason)s") % {"reason": Truncator(reason).chars(60)}
    return format_html(
        '<div class="gray">{}</div><div class="normal">{}</div>',
        _("%(date)s · %(hours)s h") % values,
        text,
    )


def send_wecom_notice(kind, entry_pk, reason=""):
    """The WeCom message to the same person as the email; returns how many were sent (0 when
    WeCom is off or the person has entered no WeCom userid). Raises ``core.wecom.WeComError``
    when WeCom refuses it, so the outbox tries again."""
    if not wecom.is_configured():
        return 0
    entry = _entry(entry_pk)
    if entry is None:
        return 0
    recipient = _recipient(kind, entry.pairing)
    account = WeComAccount.objects.filter(user=recipient).first()
    if account is None:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        title = _subject(kind, entry)
        description = _wecom_description(kind, entry, reason)
        button = _("Details")
    wecom.send_textcard(account.userid, title, str(description), _url(entry), button)
    return 1
