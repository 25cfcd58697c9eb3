"""/healthz: ok or failing (503) for anyone, which check failed and why for a manager or a
monitor with the token; every failure mode answers, none is a 500."""

import datetime

import pytest
from celery.schedules import crontab
from django.utils import timezone

from config.celery_app import app
from core import health, tasks
from core.models import WorkerHeartbeat
from tests.core import production_settings

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
    }
}
CHECKS = {"database", "cache", "broker", "worker", "disk", "templates"}


@pytest.fixture
def manager_client(client, user_factory):
    client.force_login(user_factory(username="ops", role="manager"))
    return client


@pytest.fixture
def with_worker():
    """Tasks go to a worker (not run eagerly): the heartbeat is checked."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


def beat(seconds_ago):
    WorkerHeartbeat.objects.update_or_create(
        name="celery",
        defaults={"beat_at": timezone.now() - datetime.timedelta(seconds=seconds_ago)},
    )


def test_all_well_the_public_sees_only_ok_and_a_manager_sees_each_check(
    client, user_factory, settings
):
    settings.CELERY_BROKER_URL = ""  # the embedded default: tasks run in the web process
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    client.force_login(user_factory(username="ops", role="manager"))
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and set(body) == {"status", *CHECKS}
    assert all(body[name]["ok"] for name in CHECKS)
    assert body["broker"] == {"ok": True, "mode": "eager"}
    assert body["worker"] == {"ok": True, "mode": "eager"}  # no worker to wait for


def test_a_user_who_is_not_a_manager_sees_only_ok(client, user_factory):
    client.force_login(user_factory(username="teacher1", role="teacher"))
    assert client.get("/healthz").json() == {"status": "ok"}


def test_the_cache_down_is_failing_while_pages_still_answer(client, site_tree, settings):
    settings.CACHES = UNREACHABLE_REDIS
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json() == {"status": "failing"}
    assert client.get("/heritage/").status_code == 200


def test_the_cache_down_is_named_to_a_manager(manager_client, settings):
    settings.CACHES = UNREACHABLE_REDIS
    body = manager_client.get("/healthz").json()
    assert body["status"] == "failing"
    assert body["cache"]["ok"] is False and body["database"]["ok"] is True


def test_an_unreachable_broker_is_failing(manager_client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = manager_client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


def test_a_fresh_heartbeat_is_ok_and_a_stale_one_fails(manager_client, with_worker, settings):
    settings.HEALTHZ_HEARTBEAT_MAX_AGE = 300
    beat(seconds_ago=30)
    response = manager_client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"]["ok"] is True and response.json()["worker"]["age"] >= 30

    beat(seconds_ago=400)
    response = manager_client.get("/healthz")
    assert response.status_code == 503
    assert "400 s old" in response.json()["worker"]["error"]


def test_no_heartbeat_ever_fails_and_the_task_records_one(manager_client, with_worker):
    response = manager_client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"]["error"] == "no worker heartbeat recorded yet"
    tasks.heartbeat()
    assert manager_client.get("/healthz").status_code == 200


def test_beat_records_a_heartbeat_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["core-heartbeat"]
    assert entry["task"] == "core.tasks.heartbeat" and entry["schedule"] == crontab()


def test_low_free_disk_for_media_fails(manager_client, settings):
    settings.HEALTHZ_MIN_FREE_DISK_MB = 10**12  # a million terabytes
    response = manager_client.get("/healthz")
    assert response.status_code == 503
    disk = response.json()["disk"]
    assert disk["ok"] is False and disk["path"] == str(settings.MEDIA_ROOT)
    assert "MB free, less than" in disk["error"]


def test_a_media_folder_not_made_yet_is_measured_where_it_will_be(manager_client, settings):
    settings.MEDIA_ROOT = "/nonexistent-jiangxin/media"
    response = manager_client.get("/healthz")
    assert response.status_code == 200 and response.json()["disk"]["free_mb"] > 0
    settings.HEALTHZ_MIN_FREE_DISK_MB = 10**12
    assert manager_client.get("/healthz").status_code == 503


def test_missing_templates_fail(manager_client, settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [], "APP_DIRS": False, "OPTIONS": {}},
    ]
    response = manager_client.get("/healthz")
    assert response.status_code == 503
    assert "base.html" in response.json()["templates"]["error"]


def test_the_token_shows_details_without_a_login(client, settings):
    settings.HEALTHZ_TOKEN = "s3cret-monitor-token"
    settings.HEALTHZ_MIN_FREE_DISK_MB = 10**12
    anonymous = client.get("/healthz")
    assert anonymous.status_code == 503 and anonymous.json() == {"status": "failing"}
    wrong = client.get("/healthz", headers={"X-Healthz-Token": "guess"})
    assert wrong.json() == {"status": "failing"}
    right = client.get("/healthz", headers={"X-Healthz-Token": "s3cret-monitor-token"})
    assert right.status_code == 503 and right.json()["disk"]["ok"] is False


def test_no_token_set_means_no_empty_header_gets_details(client, settings):
    settings.HEALTHZ_TOKEN = ""
    assert client.get("/healthz", headers={"X-Healthz-Token": ""}).json() == {"status": "ok"}


def test_healthz_is_not_cached_and_refuses_a_post(client):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert client.post("/healthz").status_code == 405


def test_the_database_down_is_failing_not_an_error_page(client, monkeypatch, settings):
    from django.db import OperationalError

    class Down:
        vendor = "postgresql"

        def cursor(self):
            raise OperationalError("could not connect to server")

    monkeypatch.setattr(health, "connection", Down())
    settings.HEALTHZ_TOKEN = "t"
    response = client.get("/healthz", headers={"X-Healthz-Token": "t"})
    assert response.status_code == 503
    assert response.json()["database"] == {
        "ok": False,
        "vendor": "postgresql",
        "error": "could not connect to server",
    }


@pytest.fixture
def behind_the_proxy(settings, monkeypatch):
    production = production_settings.load(monkeypatch)
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = production.SECURE_PROXY_SSL_HEADER
    settings.SECURE_REDIRECT_EXEMPT = production.SECURE_REDIRECT_EXEMPT


def test_https_from_the_proxy_is_served_plain_http_redirected_healthz_exempt(
    client, site_tree, behind_the_proxy
):
    plain = client.get("/heritage/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/heritage/"
    proxied = client.get("/heritage/", headers={"X-Forwarded-Proto": "https"})
    assert proxied.status_code == 200
    assert client.get("/healthz").status_code == 200
