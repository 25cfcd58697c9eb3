from celery import shared_task

from . import services


@shared_task
def flag_stale_pairings():
    """Daily (beat, 07:30): flag pairings with no entry for 30 days and email mentor and managers."""
    return services.flag_stale_pairings()
