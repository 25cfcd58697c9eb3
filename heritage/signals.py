"""Receivers that keep the lesson review workflow in place (connected in HeritageConfig.ready)."""

from django.apps import apps as global_apps

from .services.review import ensure_lesson_workflow


def sync_after_migrate(sender, apps=None, **kwargs):
    """After ``migrate`` (and ``flush``): the programme page's review workflow, idempotently.

    Only once the heritage app's own migrations have run (the signal is sent for every app),
    and only while its models are in the migrated state (not after ``migrate heritage zero``).
    """
    if sender.label != "heritage":
        return
    try:
        (apps or global_apps).get_model("heritage", "ProgrammePage")
    except LookupError:
        return
    ensure_lesson_workflow()


def programme_page_created(sender, instance, created, raw=False, **kwargs):
    """A new programme page gets the review workflow at once (the site setup, the admin)."""
    if created and not raw:
        ensure_lesson_workflow()
