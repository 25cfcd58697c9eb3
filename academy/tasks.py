from celery import shared_task

from core.outbox import OutboxTask

from .services import notices, stale


@shared_task
def flag_stale_pairings():
    """Daily at 07:30 (beat): flag pairings with no entry for 30 days; email mentor, managers."""
    return stale.flag_stale_pairings()


@shared_task(base=OutboxTask)
def send_logbook_notice(kind, entry_pk, reason=""):
    """Email the other side of a pairing about an entry (``academy.services.notices``)."""
    return notices.send_notice(kind, entry_pk, reason)


@shared_task(base=OutboxTask)
def send_logbook_wecom(kind, entry_pk, reason=""):
    """The same notice as a WeCom app message, to a person who entered their WeCom userid."""
    return notices.send_wecom_notice(kind, entry_pk, reason)
