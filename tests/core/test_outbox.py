"""The outbox (core.outbox): work recorded with the transaction that asked for it, sent after the
commit, sent again until a worker has run it, and run once however often it is delivered."""

import datetime
import io
import time
import uuid

import pytest
from celery import shared_task
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from config.celery_app import app
from core import outbox
from core.models import PendingTask
from core.tasks import add
from tests.celery_helpers import broker_down

pytestmark = pytest.mark.django_db

Status = PendingTask.Status
CALLS = []


@shared_task(base=outbox.OutboxTask, name="tests.core.record_call")
def record_call(value):
    CALLS.append(value)
    return value


@shared_task(base=outbox.OutboxTask, name="tests.core.always_fails")
def always_fails(value):
    CALLS.append(value)
    raise ValueError(f"cannot do {value}")


@pytest.fixture(autouse=True)
def _no_calls_yet():
    CALLS.clear()
    yield
    CALLS.clear()


def sweep(capture, **options):
    out = io.StringIO()
    with capture(execute=True):
        call_command("send_pending_tasks", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def test_enqueue_records_the_work_and_runs_it_after_the_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            row = outbox.enqueue(record_call, "a")
    assert row.status == Status.PENDING and row.args == ["a"]
    assert CALLS == []  # nothing runs before the commit
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert CALLS == ["a"]
    assert row.status == Status.DONE and row.attempts == 1 and row.done_at and not row.last_error


def test_work_of_a_rolled_back_transaction_is_never_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.enqueue(record_call, "b")
            raise RuntimeError("the request failed")
    assert not PendingTask.objects.exists() and CALLS == []


def test_only_outbox_tasks_with_their_arguments_are_accepted():
    from core.tasks import heartbeat

    with pytest.raises(TypeError, match="OutboxTask"):
        outbox.enqueue(heartbeat)
    with pytest.raises(TypeError):
        outbox.enqueue(record_call, "x", "too many")
    assert not PendingTask.objects.exists()


def test_a_failing_task_stays_pending_with_its_error_and_the_caller_carries_on(
    django_capture_on_commit_callbacks, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox.enqueue(always_fails, "c")  # no exception reaches the caller
    row.refresh_from_db()
    assert row.status == Status.PENDING and row.attempts == 1
    assert row.last_error == "ValueError: cannot do c"
    # Tried again by the sweep; the second failure is the last one.
    assert "Sent 0, could not send 1" in sweep(django_capture_on_commit_callbacks, older_than=0)
    row.refresh_from_db()
    assert row.status == Status.FAILED and row.attempts == 2 and CALLS == ["c", "c"]
    sweep(django_capture_on_commit_callbacks, older_than=0)
    assert CALLS == ["c", "c"]  # a failed row waits for an operator
    sweep(django_capture_on_commit_callbacks, older_than=0, retry_failed=True)
    row.refresh_from_db()
    assert CALLS == ["c", "c", "c"] and row.status == Status.PENDING and row.attempts == 1


def test_a_row_runs_once_however_often_its_message_comes(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox.enqueue(record_call, "d")
    row.refresh_from_db()
    assert row.status == Status.DONE and CALLS == ["d"]
    assert outbox.send(row) is True  # sending a done row again...
    record_call.apply(args=["d"], kwargs={outbox.KEY: str(row.task_id)})  # ...or delivering it
    row.refresh_from_db()
    assert CALLS == ["d"] and row.attempts == 1 and row.status == Status.DONE
    assert "Sent 0, could not send 0" in sweep(django_capture_on_commit_callbacks, older_than=0)
    assert CALLS == ["d"]


def test_a_run_in_progress_is_not_started_twice_unless_its_worker_died(settings):
    row = PendingTask.objects.create(task_name=record_call.name, args=["e"])
    key = str(row.task_id)
    PendingTask.objects.filter(pk=row.pk).update(status=Status.RUNNING, started_at=timezone.now())
    record_call.apply(args=["e"], kwargs={outbox.KEY: key})
    assert CALLS == []
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.OUTBOX_STALE_AFTER + 1)
    PendingTask.objects.filter(pk=row.pk).update(started_at=long_ago)
    assert list(outbox.due()) == [row]
    record_call.apply(args=["e"], kwargs={outbox.KEY: key})
    row.refresh_from_db()
    assert CALLS == ["e"] and row.status == Status.DONE


def test_a_message_without_a_row_here_runs_as_a_plain_task():
    """A row purged long after it was done, or one of another database (the CI worker's)."""
    result = record_call.apply(args=["f"], kwargs={outbox.KEY: str(uuid.uuid4())})
    assert result.get() == "f" and CALLS == ["f"]
    assert record_call("g") == "g" and CALLS == ["f", "g"]  # called directly, as before


def test_due_rows(settings):
    now = timezone.now()
    seconds = datetime.timedelta(seconds=1)
    fresh = PendingTask.objects.create(task_name=add.name, args=[1, 1])
    old = PendingTask.objects.create(task_name=add.name, args=[1, 2], tried_at=now - 60 * seconds)
    sent_recently = PendingTask.objects.create(
        task_name=add.name, status=Status.SENT, sent_at=now - 60 * seconds
    )
    sent_long_ago = PendingTask.objects.create(
        task_name=add.name,
        status=Status.SENT,
        sent_at=now - (settings.OUTBOX_RESEND_AFTER + 1) * seconds,
    )
    PendingTask.objects.create(
        task_name=add.name, status=Status.DONE, tried_at=now - 3600 * seconds
    )
    PendingTask.objects.create(
        task_name=add.name, status=Status.FAILED, tried_at=now - 3600 * seconds
    )
    assert list(outbox.due(older_than=30)) == [old, sent_long_ago]
    assert list(outbox.due(older_than=0)) == [fresh, old, sent_long_ago]
    assert sent_recently not in outbox.due(older_than=0)


def test_the_sweep_deletes_done_rows_after_a_while(settings):
    long_ago = timezone.now() - datetime.timedelta(days=settings.OUTBOX_KEEP_DONE_DAYS + 1)
    PendingTask.objects.create(task_name=add.name, status=Status.DONE, done_at=long_ago)
    kept = PendingTask.objects.create(
        task_name=add.name, status=Status.DONE, done_at=timezone.now()
    )
    assert outbox.send_pending() == (0, 0)
    assert list(PendingTask.objects.all()) == [kept]


def test_an_unknown_task_name_fails_its_row():
    row = PendingTask.objects.create(task_name="gone.tasks.renamed", args=[])
    assert outbox.send(row) is False
    row.refresh_from_db()
    assert row.status == Status.FAILED and "unknown task" in row.last_error


def test_with_the_broker_down_sending_fails_fast_and_the_sweep_stops_at_the_first_refusal(
    django_capture_on_commit_callbacks,
):
    with broker_down():
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            rows = [outbox.enqueue(record_call, letter) for letter in "xyz"]
        enqueued = time.monotonic() - started
        assert enqueued < 3 * 2  # three refused publishes, each well under 2 s
        for row in rows:
            row.refresh_from_db()
            assert row.status == Status.PENDING and row.last_error
        PendingTask.objects.update(tried_at=timezone.now() - datetime.timedelta(minutes=5))
        started = time.monotonic()
        assert outbox.send_pending() == (0, 1)
        assert time.monotonic() - started < 2
    assert CALLS == []
    just_tried = PendingTask.objects.filter(
        tried_at__gt=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert list(just_tried) == [rows[0]]  # not one wait per row while the broker is down
    # The broker is back (eager here): everything runs, in the order it was asked for.
    assert "Sent 3, could not send 0" in sweep(django_capture_on_commit_callbacks, older_than=0)
    assert CALLS == ["x", "y", "z"]
    assert set(PendingTask.objects.values_list("status", flat=True)) == {Status.DONE}


def test_a_refused_publish_takes_under_two_seconds():
    """The settings' short timeouts: no 19 s of reconnections before the refusal."""
    assert app.conf.task_publish_retry is False
    assert app.conf.broker_connection_timeout <= 2
    options = app.conf.broker_transport_options
    assert options["max_retries"] <= 1 and options["socket_connect_timeout"] <= 2
    with broker_down():
        started = time.monotonic()
        with pytest.raises(Exception):  # noqa: B017 - kombu's OperationalError, or redis's
            record_call.apply_async(args=["w"], ignore_result=True)
        assert time.monotonic() - started < 2


def test_beat_sweeps_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["core-send-pending-tasks"]
    assert entry["task"] == "core.tasks.send_pending_tasks"
    assert entry["schedule"].remaining_estimate(timezone.now()) <= datetime.timedelta(minutes=1)
    from core.tasks import send_pending_tasks

    assert send_pending_tasks.apply().get() == {"sent": 0, "not_sent": 0}
