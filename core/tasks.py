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


@shared_task(base=OutboxTask, ignore_result=True)
def send_first_login_email(user_id):
    """Email a new account its first-login link (queued through core.outbox by the staff
    import); an account whose password is already set gets nothing."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation
    from django.utils.translation import gettext as _

    from .accounts import first_login_url, link_days
    from .site import HOME_TITLE

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or user.has_usable_password():
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your account on %(site)s") % {"site": HOME_TITLE}
        message = render_to_string(
            "core/email/first_login.txt",
            {"user": user, "url": first_login_url(user), "days": link_days(), "site": HOME_TITLE},
        )
    return send_mail(subject, message, None, [user.email])
