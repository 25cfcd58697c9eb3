"""Answering an objection: the organizer's decision is saved and logged, and reaches the sender
by email when they gave an address (sent through the outbox after the commit)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from core import outbox

from ..models import Objection


def email_of(objection):
    """The sender's email address, or "" when they left a phone number."""
    contact = objection.contact.strip()
    try:
        validate_email(contact)
    except ValidationError:
        return ""
    return contact


@transaction.atomic
def answer(objection, user):
    """Save the organizer's answer (status and text already set on ``objection``)."""
    from ..tasks import send_objection_answer

    objection.answered_by = user
    objection.answered_at = timezone.now()
    objection.save()
    log(objection, "wagtail.edit", user=user, data={"status": objection.status})
    if email_of(objection):
        outbox.enqueue(send_objection_answer, objection.pk)
    return objection


def send_answer(objection_pk):
    """The email itself; 0 when the objection is gone, unanswered or has no address."""
    objection = (
        Objection.objects.select_related("event__contest", "event__results_page")
        .filter(pk=objection_pk)
        .exclude(status=Objection.Status.OPEN)
        .first()
    )
    address = email_of(objection) if objection else ""
    if not address:
        return 0
    event = objection.event
    page = getattr(event, "results_page", None)
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your objection about %(event)s has been answered") % {
            "event": f"{event.contest.title} {event.name}"
        }
        message = render_to_string(
            "contests/email/objection_answer.txt",
            {
                "objection": objection,
                "event": event,
                "url": base + page.url if page is not None and page.live and page.url else "",
            },
        )
    return send_mail(subject, message, None, [address])
