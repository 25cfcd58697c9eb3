"""Pairings with no logbook entry for 30 days: flagged, and their mentor and managers emailed."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import roles

from ..models import Pairing


def flag_stale_pairings(today=None):
    """Flag active pairings with no entry for 30 days and email their mentor and the managers.

    A pairing is emailed once when it becomes stale; a new entry clears the flag.
    """
    today = today or timezone.localdate()
    stale = list(
        Pairing.objects.stale(today)
        .filter(stale_flagged_on__isnull=True)
        .select_related("mentor", "apprentice", "trade")
    )
    if not stale:
        return 0
    managers = roles.manager_emails()
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    with translation.override("zh-hans"):
        for pairing in stale:
            recipients = [email for email in [pairing.mentor.email, *managers] if email]
            if not recipients:
                continue
            context = {
                "pairing": pairing,
                "last_entry_on": pairing.latest_entry_on,
                "url": base + pairing.get_absolute_url(),
            }
            send_mail(
                subject=_("No logbook entry for 30 days: %(pairing)s") % {"pairing": pairing},
                message=render_to_string("academy/email/stale_pairing.txt", context),
                from_email=None,
                recipient_list=sorted(set(recipients)),
            )
    Pairing.objects.filter(pk__in=[pairing.pk for pairing in stale]).update(stale_flagged_on=today)
    return len(stale)
