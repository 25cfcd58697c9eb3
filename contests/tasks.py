"""Background work of the contests: the certificate batch and closing public notices."""

from celery import shared_task
from django.utils import timezone


@shared_task
def close_public_notices():
    """Hourly (beat): results whose public notice has ended become final, unless an objection
    is still open; those stay in notice until the organizer answers it."""
    from .services.publishing import close_due_notices

    closed, held = close_due_notices(timezone.localdate())
    return {"closed": closed, "held": held}


@shared_task
def issue_certificates_task(batch_id):
    """Issue a certificate for every award of an event's final results; each is rendered by
    core's render task (queued on commit), which is what the progress bar counts."""
    from core.certificates import issue_certificate
    from core.models import Certificate

    from .models import CertificateBatch, Entrant
    from .services.certificates import awarded_rows
    from .services.publishing import results_page_for

    batch = CertificateBatch.objects.select_related("event__contest").filter(pk=batch_id).first()
    if batch is None:
        return None
    batch.status = CertificateBatch.Status.RUNNING
    batch.save(update_fields=["status"])
    event = batch.event
    page = results_page_for(event)
    rows = awarded_rows(page)
    entrants = Entrant.objects.in_bulk([row["entrant_id"] for row in rows])
    contest = event.contest
    try:
        for done, row in enumerate(rows, start=1):
            entrant = entrants.get(row["entrant_id"])
            if entrant is None:
                continue
            issue_certificate(
                source=entrant,
                kind=Certificate.Kind.CONTEST,
                recipient_name=entrant.name,
                title=f"{contest.title} {event.name} {row['award']}",
                details=f"{entrant.unit}\n第{row['rank']}名 · 总分 {row['total']}",
                issued_on=page.finalised_on or timezone.localdate(),
            )
            CertificateBatch.objects.filter(pk=batch.pk).update(done=done)
    except Exception as error:
        CertificateBatch.objects.filter(pk=batch.pk).update(
            status=CertificateBatch.Status.FAILED, error=str(error)[:300]
        )
        raise
    CertificateBatch.objects.filter(pk=batch.pk).update(status=CertificateBatch.Status.DONE)
    return batch.pk
