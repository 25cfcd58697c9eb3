"""Runs only against a real broker (CELERY_BROKER_URL): proves a worker process runs our tasks.

``.ci/run`` starts the worker and sets REQUIRE_CELERY_WORKER=1, so there this fails, never skips.
"""

import os

import pytest
from django.conf import settings

from config.celery_app import app
from core import tasks

pytestmark = pytest.mark.worker


@pytest.fixture
def worker_broker():
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        if os.environ.get("REQUIRE_CELERY_WORKER"):
            pytest.fail("REQUIRE_CELERY_WORKER is set but CELERY_BROKER_URL is not")
        pytest.skip("no CELERY_BROKER_URL: tasks run eagerly")
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield broker
    app.conf.task_always_eager = previous


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
def test_healthz_sees_the_real_broker(worker_broker, client, user_factory):
    client.force_login(user_factory(username="ops", role="manager"))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"]["mode"] == "broker"
    assert response.json()["database"]["ok"] is True
