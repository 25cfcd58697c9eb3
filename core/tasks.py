from celery import shared_task
from django.utils import timezone

from .outbox import OutboxTask


@shared_task
def heartbeat():
    """Run by beat every minute: records when a worker last ran a task, for /healthz."""
    from .models import WorkerHeartbeat

    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(name="celery", defaults={"beat_at": now})
    return now.isoformat()


@shared_task(base=OutboxTask)
def add(x, y):
    """A trivial task whose result proves a worker runs our code (also through the outbox)."""
    return x + y


@shared_task(base=OutboxTask, ignore_result=True)
def render_certificate_task(certificate_id):
    """Draw a certificate's files (queued through core.outbox); one already drawn is left."""
    from .certificates import render_certificate
    from .models import Certificate

    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None:
        return None
    if not certificate.is_rendered:
        render_certificate(certificate)
    return certificate.code


@shared_task
def send_pending_tasks(older_than=None):
    """Every minute (beat): send again the outbox's work that no worker has run yet."""
    from .outbox import send_pending

    sent, not_sent = send_pending(older_than)
    return {"sent": sent, "not_sent": not_sent}


@shared_task(bind=True)
def whoami(self):
    """Which worker process ran this task: lets the test suite prove a real worker is used."""
    import os

    return {"pid": os.getpid(), "hostname": self.request.hostname or ""}


@shared_task
def clear_pending_photos():
    """Run by beat: delete the photos kept for refused forms that were never saved."""
    from .pending import clear_old

    return clear_old()
