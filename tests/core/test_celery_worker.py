"""Runs only against a real broker (CELERY_BROKER_URL): proves a worker process runs our tasks.

``.ci/run`` starts the worker and sets REQUIRE_CELERY_WORKER=1, so there this fails, never skips.
"""

import io
import os
import time

import pytest
from django.conf import settings

from config.celery_app import app
from core import tasks

pytestmark = pytest.mark.worker


def test_settings_send_tasks_to_the_broker_when_one_is_configured(worker_broker):
    assert settings.CELERY_BROKER_URL == worker_broker
    assert app.conf.broker_url == worker_broker


def test_a_task_runs_in_a_real_worker_process(worker_broker):
    result = tasks.whoami.delay()
    answer = result.get(timeout=30)
    assert answer["pid"] != os.getpid()
    assert "@" in answer["hostname"]
    assert tasks.add.delay(2, 3).get(timeout=30) == 5


@pytest.mark.django_db
def test_healthz_sees_the_real_broker_and_waits_for_a_heartbeat(
    worker_broker, client, user_factory
):
    client.force_login(user_factory(username="ops", role="manager"))
    response = client.get("/healthz")
    assert response.status_code == 503  # with a worker, no heartbeat yet is failing
    assert response.json()["worker"]["ok"] is False
    tasks.heartbeat()  # the worker records its own in its database (see below)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"]["mode"] == "broker"
    assert response.json()["database"]["ok"] is True
    assert response.json()["worker"]["ok"] is True


@pytest.mark.django_db
def test_work_kept_while_the_broker_was_down_runs_on_the_worker_once_it_is_back(
    worker_broker, django_capture_on_commit_callbacks, settings
):
    """The broker goes down mid-run and comes back; nothing is lost.

    "Down" is the app publishing to a port nothing listens on: stopping the Redis that other
    test processes share is not an option. The worker has its own database (``.ci/run``:
    ``jiangxin_ci``, while the tests run on ``test_jiangxin_ci*``), so it cannot mark this
    database's rows done: what it shows here is the value it returns. That a row runs once and
    is marked done, and that sweeping again changes nothing, is asserted by the eager sweeps of
    tests/core/test_outbox.py, tests/academy and tests/contests."""
    from celery.result import AsyncResult
    from django.core.management import call_command

    from core import outbox
    from core.models import PendingTask
    from tests.celery_helpers import broker_down

    with broker_down():
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            kept = outbox.enqueue(tasks.add, 2, 3)
        assert time.monotonic() - started < 3
        with django_capture_on_commit_callbacks(execute=True):
            waiting = outbox.enqueue(tasks.add, 4, 5)
    kept.refresh_from_db()
    assert kept.status == PendingTask.Status.PENDING and kept.last_error

    # Back: the operator's command (or beat's sweep) sends what waited.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_pending_tasks", older_than=0, stdout=io.StringIO())
    kept.refresh_from_db()
    assert kept.status == PendingTask.Status.SENT and kept.sent_at
    assert AsyncResult(str(kept.task_id), app=app).get(timeout=30) == 5
    waiting.refresh_from_db()
    assert AsyncResult(str(waiting.task_id), app=app).get(timeout=30) == 9

    # Or the web process itself: the next work it sends takes what waited along.
    with broker_down():
        with django_capture_on_commit_callbacks(execute=True):
            late = outbox.enqueue(tasks.add, 10, 20)
    settings.OUTBOX_RETRY_AFTER = 0
    with django_capture_on_commit_callbacks(execute=True):
        fresh = outbox.enqueue(tasks.add, 1, 1)
    for row, expected in [(fresh, 2), (late, 30)]:
        row.refresh_from_db()
        assert row.status == PendingTask.Status.SENT
        assert AsyncResult(str(row.task_id), app=app).get(timeout=30) == expected
