"""Award certificates of an event's final results, issued in a Celery batch."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext as _

from core.models import Certificate

from ..models import CertificateBatch, Entrant, Stage
from .publishing import PublishError, results_page_for


def awarded_rows(page):
    return [row for row in page.standings if row.get("award")]


def start_batch(event, user):
    from ..tasks import issue_certificates_task

    page = results_page_for(event)
    if page is None or page.stage != Stage.FINAL:
        raise PublishError(_("Certificates are issued for final results only."))
    rows = awarded_rows(page)
    if not rows:
        raise PublishError(_("Nobody has an award in these results."))
    batch = CertificateBatch.objects.create(event=event, started_by=user, total=len(rows))
    from django.db import transaction

    transaction.on_commit(lambda: issue_certificates_task.delay(batch.pk))
    return batch


def certificates_of(event):
    return Certificate.objects.filter(
        source_type=ContentType.objects.get_for_model(Entrant),
        source_id__in=Entrant.objects.filter(event=event).values("pk"),
    )


def progress(batch):
    """Certificates rendered so far among the awarded entrants of the batch's event."""
    rendered = (
        certificates_of(batch.event).filter(~Q(png=""), ~Q(pdf=""), revoked_at__isnull=True).count()
    )
    return {
        "status": batch.status,
        "total": batch.total,
        "done": min(rendered, batch.total),
        "percent": 100 if not batch.total else min(100, round(100 * rendered / batch.total)),
    }
