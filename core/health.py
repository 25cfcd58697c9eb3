"""What /healthz checks: each check answers a dict with "ok" and, when it fails, why.

No check raises: an unreachable service is a failing check, never an error page.
"""

import secrets
import shutil
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.template.loader import get_template
from django.utils import timezone
from kombu import Connection

HEALTH_KEY = "core:health-probe"
# Templates every public page needs: missing ones (a package installed without its data) fail.
REQUIRED_TEMPLATES = ("base.html", "core/home_page.html", "500.html")


def _error(error):
    return str(error)[:200] or error.__class__.__name__


def database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True, "vendor": connection.vendor}
    except Exception as error:  # noqa: BLE001 - reported, not raised
        return {"ok": False, "vendor": connection.vendor, "error": _error(error)}


def cache_round_trip():
    """A write and a read back: the cache may swallow its errors, so only the round trip tells."""
    probe = secrets.token_hex(8)
    key = f"{HEALTH_KEY}:{probe}"
    try:
        cache.set(key, probe, timeout=30)
        ok = cache.get(key) == probe
        cache.delete(key)
    except Exception as error:  # noqa: BLE001 - reported, not raised
        return {"ok": False, "error": _error(error)}
    return {"ok": True} if ok else {"ok": False, "error": "the cache did not keep a value"}


def broker():
    broker_url = settings.CELERY_BROKER_URL
    if not broker_url:
        return {"ok": True, "mode": "eager"}
    try:
        with Connection(broker_url, connect_timeout=2) as conn:
            # One quick retry, not kombu's default 2 s wait: a monitor's request must answer.
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=2)
            transport = conn.transport.driver_name
        return {"ok": True, "mode": "broker", "transport": transport}
    except Exception as error:  # noqa: BLE001 - reported, not raised
        return {"ok": False, "mode": "broker", "error": _error(error)}


def _tasks_run_eagerly():
    from config.celery_app import app

    return bool(app.conf.task_always_eager)


def worker():
    """How long ago a worker ran beat's heartbeat task (every minute): a stopped worker or a
    stopped beat makes it late. Not checked when tasks run eagerly (no worker to wait for)."""
    if _tasks_run_eagerly():
        return {"ok": True, "mode": "eager"}
    from .models import WorkerHeartbeat

    limit = settings.HEALTHZ_HEARTBEAT_MAX_AGE
    try:
        last = WorkerHeartbeat.objects.filter(name="celery").values_list("beat_at", flat=True)
        last = last.first()
    except Exception as error:  # noqa: BLE001 - reported, not raised
        return {"ok": False, "error": _error(error)}
    if last is None:
        return {"ok": False, "error": "no worker heartbeat recorded yet", "max_age": limit}
    age = int((timezone.now() - last).total_seconds())
    status = {"ok": age <= limit, "age": age, "max_age": limit, "last": last.isoformat()}
    if not status["ok"]:
        status["error"] = f"the last worker heartbeat is {age} s old (more than {limit} s)"
    return status


def disk():
    """Free space where uploads are stored (MEDIA_ROOT, or the folder it will be made in before
    the first upload), against HEALTHZ_MIN_FREE_DISK_MB."""
    minimum = settings.HEALTHZ_MIN_FREE_DISK_MB
    root = Path(settings.MEDIA_ROOT)
    measured = next((folder for folder in (root, *root.parents) if folder.exists()), root)
    try:
        free = shutil.disk_usage(measured).free // (1024 * 1024)
    except OSError as error:
        return {"ok": False, "path": str(root), "error": _error(error)}
    status = {"ok": free >= minimum, "path": str(root), "free_mb": free, "min_free_mb": minimum}
    if not status["ok"]:
        status["error"] = f"{free} MB free, less than {minimum} MB"
    return status


def templates():
    missing = []
    for name in REQUIRED_TEMPLATES:
        try:
            get_template(name)
        except Exception:  # noqa: BLE001 - reported, not raised
            missing.append(name)
    if missing:
        return {"ok": False, "error": "templates not found: " + ", ".join(missing)}
    return {"ok": True}


CHECKS = {
    "database": database,
    "cache": cache_round_trip,
    "broker": broker,
    "worker": worker,
    "disk": disk,
    "templates": templates,
}


def run_checks():
    return {name: check() for name, check in CHECKS.items()}


def token_matches(request):
    """The X-Healthz-Token header equals the HEALTHZ_TOKEN setting (which must be set)."""
    expected = settings.HEALTHZ_TOKEN
    given = request.headers.get("X-Healthz-Token", "")
    return bool(expected) and secrets.compare_digest(given.encode(), expected.encode())
