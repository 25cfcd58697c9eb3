"""Background work that survives a broker that is down: a transactional outbox.

``enqueue(task, *args)`` records a ``PendingTask`` row inside the caller's transaction and,
after the commit, tries once to send it with the short broker timeouts of the settings. If the
broker does not answer, the row stays pending (a warning is logged) and the request carries on.
``send_pending()`` sends such rows again; beat runs it every minute (``core.tasks
.send_pending_tasks``) and so does ``manage.py send_pending_tasks``.

Each message carries its row's key. A task made with ``base=OutboxTask`` claims the row before
running (an atomic update from pending/sent to running), so a message delivered twice runs once;
the row is marked done afterwards, or pending again with the error (failed after
``OUTBOX_MAX_ATTEMPTS``). With eager Celery (no broker) the task runs at once, in process.
"""

import inspect
import logging
from datetime import timedelta
from functools import partial

from celery import Task, current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import PendingTask

logger = logging.getLogger(__name__)

# The keyword argument that carries a message's row key; OutboxTask takes it off before running.
KEY = "_outbox"
Status = PendingTask.Status


class OutboxTask(Task):
    """A task the outbox may send. Called without the outbox's key it runs as any task does."""

    # Celery checks the arguments of a call against the function, which lacks the outbox's key;
    # enqueue() checks them instead.
    typing = False

    def __call__(self, *args, **kwargs):
        key = kwargs.pop(KEY, None)
        if key is None:
            return self.run(*args, **kwargs)
        return run_claimed(self, key, args, kwargs)


def enqueue(task, *args):
    """Record ``task(*args)`` in the current transaction; send it once the transaction commits.

    The arguments must be JSON values. Returns the ``PendingTask`` row."""
    if not isinstance(task, OutboxTask):
        raise TypeError(f"{task.name} is not an OutboxTask: declare it with base=OutboxTask")
    inspect.signature(task.run).bind(*args)  # a wrong call fails here, in the caller
    row = PendingTask.objects.create(task_name=task.name, args=list(args))
    transaction.on_commit(partial(_send_after_commit, row.pk), robust=True)
    return row


def _send_after_commit(pk):
    row = PendingTask.objects.filter(pk=pk).first()
    if row is None or not send(row):
        return
    if not current_app.conf.task_always_eager:
        # The broker answers: a good moment to send what waited for it.
        send_pending(limit=20, purge=False)


def send(row):
    """Publish the row's task once, without retrying; True when the broker took it.

    With eager Celery this runs the task, and a task that raises counts as not sent."""
    now = timezone.now()
    task = current_app.tasks.get(row.task_name)
    if task is None:
        PendingTask.objects.filter(pk=row.pk).update(
            status=Status.FAILED, tried_at=now, last_error=f"unknown task {row.task_name}"
        )
        logger.error("Outbox row %s names an unknown task %s", row.pk, row.task_name)
        return False
    PendingTask.objects.filter(pk=row.pk).update(tried_at=now)
    try:
        task.apply_async(
            args=row.args,
            kwargs={KEY: str(row.task_id)},
            task_id=str(row.task_id),
            retry=False,
            ignore_result=task.ignore_result,
        )
    except Exception as error:  # noqa: BLE001 - the broker is down or the eager run failed
        logger.warning(
            "Could not send %s (outbox row %s), it stays pending: %s", row.task_name, row.pk, error
        )
        PendingTask.objects.filter(pk=row.pk, status__in=[Status.PENDING, Status.SENT]).update(
            status=Status.PENDING, last_error=_describe(error)
        )
        return False
    # Unless a worker (or the eager run) has already claimed or finished it.
    PendingTask.objects.filter(
        pk=row.pk, status__in=[Status.PENDING, Status.SENT], attempts=row.attempts
    ).update(status=Status.SENT, sent_at=now)
    return True


def due(older_than=None, now=None):
    """Rows to send (again): pending ones last tried ``older_than`` seconds ago or more, sent
    ones never run after OUTBOX_RESEND_AFTER, runs that never finished after OUTBOX_STALE_AFTER."""
    now = now or timezone.now()
    if older_than is None:
        older_than = settings.OUTBOX_RETRY_AFTER
    return PendingTask.objects.filter(
        Q(status=Status.PENDING, tried_at__lte=now - timedelta(seconds=older_than))
        | Q(
            status=Status.SENT,
            sent_at__lte=now - timedelta(seconds=max(older_than, settings.OUTBOX_RESEND_AFTER)),
        )
        | Q(
            status=Status.RUNNING,
            started_at__lte=now - timedelta(seconds=max(older_than, settings.OUTBOX_STALE_AFTER)),
        )
    ).order_by("created_at", "pk")


def send_pending(older_than=None, limit=None, purge=True):
    """Send the due rows; stop at the first the broker refuses. Returns (sent, not_sent).

    The sweep (``purge``) also deletes done rows older than OUTBOX_KEEP_DONE_DAYS."""
    if purge:
        PendingTask.objects.filter(
            status=Status.DONE,
            done_at__lt=timezone.now() - timedelta(days=settings.OUTBOX_KEEP_DONE_DAYS),
        ).delete()
    rows = due(older_than)
    if limit:
        rows = rows[:limit]
    sent = not_sent = 0
    for row in rows:
        if send(row):
            sent += 1
            continue
        not_sent += 1
        if not current_app.conf.task_always_eager:
            break  # the broker is down: the next sweep tries again
    return sent, not_sent


def run_claimed(task, key, args, kwargs):
    """Run the task of an outbox message once: claim its row, run, record the outcome."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_STALE_AFTER)
    claimed = (
        PendingTask.objects.filter(task_id=key)
        .filter(
            Q(status__in=[Status.PENDING, Status.SENT])
            | Q(status=Status.RUNNING, started_at__lte=stale)
        )
        .update(status=Status.RUNNING, started_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        row = PendingTask.objects.filter(task_id=key).only("status").first()
        if row is not None:
            logger.info("Outbox row %s is %s: %s does not run again", key, row.status, task.name)
            return None
        # Not in this database: purged long after it was done, or sent from another database
        # (the CI worker's). The message says all there is to run, and every outbox task is
        # idempotent, so it runs.
        logger.info("No outbox row %s here: %s runs as a plain task", key, task.name)
        return task.run(*args, **kwargs)
    try:
        result = task.run(*args, **kwargs)
    except Exception as error:
        row = PendingTask.objects.get(task_id=key)
        status = Status.FAILED if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS else Status.PENDING
        PendingTask.objects.filter(task_id=key, status=Status.RUNNING).update(
            status=status, tried_at=timezone.now(), last_error=_describe(error)
        )
        logger.warning("%s failed (outbox row %s, attempt %s)", task.name, key, row.attempts)
        raise
    PendingTask.objects.filter(task_id=key).update(
        status=Status.DONE, done_at=timezone.now(), last_error=""
    )
    return result


def _describe(error):
    return f"{type(error).__name__}: {error}"[:2000]
