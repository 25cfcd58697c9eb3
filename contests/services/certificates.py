"""Award certificates of an event's final results, issued in a Celery batch.

The workspace view starts a batch (``start_batch``), which queues ``tasks.issue_certificates_task``
through core.outbox; the task runs ``issue_batch`` here.
"""

import io
import re
import zipfile

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox
from core.certificates import (
    certificates_pdf,
    issue_certificate,
    render_certificate,
    revoke_certificate,
)
from core.models import Certificate
from core.refusals import Refused

from ..models import CertificateBatch, Entrant, Stage
from .publishing import results_page_for


def awarded_rows(page):
    return [row for row in page.standings if row.get("award")]


@transaction.atomic
def start_batch(event, user):
    """A new batch for the awards of the event's final results, and its task in the outbox
    (sent on commit; the batch stays queued until a worker runs it)."""
    from ..tasks import issue_certificates_task

    page = results_page_for(event)
    if page is None or page.stage != Stage.FINAL:
        raise Refused(_("Certificates are issued for final results only."))
    rows = awarded_rows(page)
    if not rows:
        raise Refused(_("Nobody has an award in these results."))
    batch = CertificateBatch.objects.create(event=event, started_by=user, total=len(rows))
    outbox.enqueue(issue_certificates_task, batch.pk)
    return batch


def issue_batch(batch_id):
    """Issue a certificate for every award of an event's final results; each is rendered by
    core's render task (queued through the outbox), which is what the progress bar counts.

    Safe to run twice: a batch already done is left, and an entrant keeps its one valid
    certificate (``one_valid_certificate_per_source``)."""
    batch = CertificateBatch.objects.select_related("event__contest").filter(pk=batch_id).first()
    if batch is None or batch.status == CertificateBatch.Status.DONE:
        return batch_id if batch else None
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
            _issue(page, contest, event, entrant, row)
            CertificateBatch.objects.filter(pk=batch.pk).update(done=done)
    except Exception as error:
        CertificateBatch.objects.filter(pk=batch.pk).update(
            status=CertificateBatch.Status.FAILED, error=str(error)[:300]
        )
        raise
    CertificateBatch.objects.filter(pk=batch.pk).update(status=CertificateBatch.Status.DONE)
    return batch.pk


def _issue(page, contest, event, entrant, row, issued_on=None):
    return issue_certificate(
        source=entrant,
        kind=Certificate.Kind.CONTEST,
        recipient_name=entrant.name,
        title=f"{contest.title} {event.name} {row['award']}",
        details=f"{entrant.unit}\n第{row['rank']}名 · 总分 {row['total']}",
        issued_on=issued_on or page.finalised_on or timezone.localdate(),
    )


def reissue_after_correction(page, entrant_ids, reason):
    """After a correction: the valid certificate of each entrant whose rank, total or award
    changed is revoked with the reason, and, once certificates have been issued for the
    event, every award of the corrected results without a valid certificate gets a new one
    (dated today). Returns (revoked, issued) counts."""
    event = page.event
    revoked = {}
    for certificate in certificates_of(event).filter(
        source_id__in=entrant_ids, revoked_at__isnull=True
    ):
        revoke_certificate(certificate, _("Results corrected: %(reason)s") % {"reason": reason})
        revoked[certificate.source_id] = certificate
    if page.stage != Stage.FINAL or not certificates_of(event).exists():
        return len(revoked), 0
    holders = set(
        certificates_of(event).filter(revoked_at__isnull=True).values_list("source_id", flat=True)
    )
    rows = [row for row in awarded_rows(page) if row["entrant_id"] not in holders]
    entrants = Entrant.objects.in_bulk([row["entrant_id"] for row in rows])
    today = timezone.localdate()
    for row in rows:
        if row["entrant_id"] in entrants:
            new = _issue(page, event.contest, event, entrants[row["entrant_id"]], row, today)
            old = revoked.get(row["entrant_id"])
            if old is not None:  # its verification page points to the corrected one
                Certificate.objects.filter(pk=old.pk).update(replaced_by=new)
    return len(revoked), len(rows)


def certificates_of(event):
    return Certificate.objects.filter(
        source_type=ContentType.objects.get_for_model(Entrant),
        source_id__in=Entrant.objects.filter(event=event).values("pk"),
    )


def progress(batch):
    """Certificates rendered so far among the awarded entrants of the batch's event, and
    whether the batch still waits for a worker."""
    rendered = (
        certificates_of(batch.event).filter(~Q(png=""), ~Q(pdf=""), revoked_at__isnull=True).count()
    )
    return {
        "status": batch.status,
        "label": str(batch.get_status_display()),
        # Queued: no worker has taken the batch yet (the broker may be down; the outbox sends it
        # again until one does).
        "waiting": batch.status == CertificateBatch.Status.QUEUED,
        "total": batch.total,
        "done": min(rendered, batch.total),
        "percent": 100 if not batch.total else min(100, round(100 * rendered / batch.total)),
    }


def _safe(text):
    """A part of a file name: no path separators or characters archives refuse."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", str(text)).strip("._") or "-"


def downloadable(event):
    """The valid certificates of the event's awards, in the results' order, each with its file
    name (award-bib-name.pdf). Refused when none was issued yet."""
    certificates = list(
        certificates_of(event).filter(revoked_at__isnull=True).order_by("issued_on", "id")
    )
    if not certificates:
        raise Refused(_("No certificate has been issued for this event yet."))
    entrants = Entrant.objects.in_bulk([c.source_id for c in certificates])
    page = results_page_for(event)
    rows = {row["entrant_id"]: row for row in awarded_rows(page)} if page else {}
    order = {entrant_id: position for position, entrant_id in enumerate(rows)}
    certificates.sort(key=lambda c: (order.get(c.source_id, len(order)), c.pk))
    named, used = [], set()
    for certificate in certificates:
        entrant = entrants.get(certificate.source_id)
        award = rows.get(certificate.source_id, {}).get("award") or certificate.title.split()[-1]
        bib = entrant.bib if entrant else ""
        name = "-".join(_safe(part) for part in (award, bib, certificate.recipient_name) if part)
        if name in used:
            name = f"{name}-{certificate.code}"
        used.add(name)
        named.append((f"{name}.pdf", certificate))
    return named


def _pdf_bytes(certificate):
    if not certificate.is_rendered:
        render_certificate(certificate)
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def certificates_zip(event):
    """One ZIP with a PDF per valid certificate of the event, as bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, certificate in downloadable(event):
            archive.writestr(name, _pdf_bytes(certificate))
    return buffer.getvalue()


def certificates_print(event):
    """One PDF with a page per valid certificate of the event, to print, as bytes."""
    pdf = certificates_pdf([certificate for _name, certificate in downloadable(event)])
    if pdf is None:
        raise Refused(_("No Chinese font is installed on the server for the PDF."), status=503)
    return pdf
