from celery import shared_task

from .services import stale


@shared_task
def flag_stale_pairings():
    """Daily at 07:30 (beat): flag pairings with no entry for 30 days; email mentor, managers."""
    return stale.flag_stale_pairings()
