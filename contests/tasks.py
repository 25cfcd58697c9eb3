"""Background work of the contests: the certificate batch and closing public notices."""

from celery import shared_task
from django.utils import timezone

from core.outbox import OutboxTask


@shared_task
def close_public_notices():
    """Hourly (beat): results whose public notice has ended become final, unless an objection
    is still open; those stay in notice until the organizer answers it."""
    from .services.publishing import close_due_notices

    closed, held = close_due_notices(timezone.localdate())
    return {"closed": closed, "held": held}


@shared_task(base=OutboxTask, ignore_result=True)
def issue_certificates_task(batch_id):
    """Issue the certificates of a batch (``services.certificates.issue_batch``), queued through
    core.outbox by ``start_batch``."""
    from .services.certificates import issue_batch

    return issue_batch(batch_id)


@shared_task(base=OutboxTask)
def send_objection_answer(objection_pk):
    """Email the organizer's answer to the sender of an objection
    (``services.objections.send_answer``), queued through core.outbox."""
    from .services.objections import send_answer

    return send_answer(objection_pk)
