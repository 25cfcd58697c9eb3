import io
import os
import shutil
import sqlite3
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import translation
from PIL import Image

from core.demo import DemoContext, seed_site
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _media_root(request, settings, tmp_path):
    """Every test writes uploads into its own temporary folder (the demo's tests share the
    folder the demo's images were written to)."""
    if "demo" in request.fixturenames:
        return
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _empty_cache():
    """No test sees another's cached pages or image renditions."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Each test starts in the site's default language, whatever the previous request used."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def worker_broker():
    """The real broker and worker (tests marked ``worker``); skipped without CELERY_BROKER_URL,
    failed instead where REQUIRE_CELERY_WORKER is set (CI)."""
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        if os.environ.get("REQUIRE_CELERY_WORKER"):
            pytest.fail("REQUIRE_CELERY_WORKER is set but CELERY_BROKER_URL is not")
        pytest.skip("no CELERY_BROKER_URL: tasks run eagerly")
    from config.celery_app import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield broker
    app.conf.task_always_eager = previous


@pytest.fixture
def site_tree(db):
    """The home page and the three section pages, as the demo builds them."""
    ctx = DemoContext()
    seed_site(ctx)
    return ctx


@pytest.fixture
def user_factory(db):
    return UserFactory


@pytest.fixture
def png_bytes():
    """A small real PNG, for upload tests."""

    def make(size=(40, 30), color=(200, 40, 40)):
        buffer = io.BytesIO()
        Image.new("RGB", size, color).save(buffer, format="PNG")
        return buffer.getvalue()

    return make


def _seed_demo():
    old = os.environ.get("DEMO_PASSWORD")
    os.environ["DEMO_PASSWORD"] = "demo"
    try:
        call_command("seed_demo", stdout=io.StringIO())
    finally:
        if old is None:
            os.environ.pop("DEMO_PASSWORD", None)
        else:
            os.environ["DEMO_PASSWORD"] = old


def _sqlite_copy(source, target):
    """Copy one SQLite database over another, page by page (the backup API)."""
    source.backup(target)
    return target


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker, tmp_path_factory):
    """On SQLite, the demo seeded once per test process: the database before and after
    ``seed_demo`` as in-memory copies, and the folder its images were written to. None on
    other databases, where each module seeds the demo itself."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield None
        return
    media_root = str(tmp_path_factory.mktemp("demo-media"))
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root):
        if not connection.introspection.table_names():
            # Only browser tests were collected, and pytest-django set up no database for them.
            call_command("migrate", verbosity=0)
        connection.ensure_connection()
        live = connection.connection
        clean = _sqlite_copy(live, sqlite3.connect(":memory:"))
        _seed_demo()
        seeded = _sqlite_copy(live, sqlite3.connect(":memory:"))
        _sqlite_copy(clean, live)
        yield SimpleNamespace(clean=clean, seeded=seeded, media_root=media_root)
        clean.close()
        seeded.close()


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_blocker, tmp_path_factory):
    """The whole demo (logins with password "demo"), for the module.

    Everything runs inside one transaction that is rolled back at the end of the module; each
    test runs in a savepoint inside it, so tests see the demo but not one another's changes.
    On SQLite the demo is copied in from the process's snapshot and the empty database copied
    back afterwards; elsewhere it is seeded inside that transaction.
    """
    from django.db import connection

    if demo_snapshot is not None:
        media_root = str(tmp_path_factory.mktemp("demo-media"))
        shutil.copytree(demo_snapshot.media_root, media_root, dirs_exist_ok=True)
    else:
        media_root = str(tmp_path_factory.mktemp("demo-media"))
    media = override_settings(MEDIA_ROOT=media_root)
    media.enable()
    with django_db_blocker.unblock():
        if demo_snapshot is not None:
            connection.ensure_connection()
            _sqlite_copy(demo_snapshot.seeded, connection.connection)
        outer = transaction.atomic()
        outer.__enter__()
        try:
            if demo_snapshot is None:
                _seed_demo()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            if demo_snapshot is not None:
                _sqlite_copy(demo_snapshot.clean, connection.connection)
            media.disable()


@pytest.fixture
def demo_data(demo, db):
    """The whole demo, with its logins (password ``demo``); seeded once per module."""


@pytest.fixture
def warm_shell(client):
    """Open one page first, as any visitor before: the shell every page shares (the site's
    identity in the header and footer) is then in the cache, and a page's own queries are
    what a query budget counts."""
    client.get("/accounts/login/")
    return client


@pytest.fixture
def wecom(settings):
    """WeCom switched on against a local stand-in of its API (tests/wecom_server.py)."""
    from tests import wecom_server

    server = wecom_server.FakeWeCom().start()
    settings.WECOM_API_BASE = server.base_url
    settings.WECOM_CORP_ID = wecom_server.CORP_ID
    settings.WECOM_AGENT_ID = wecom_server.AGENT_ID
    settings.WECOM_SECRET = wecom_server.SECRET
    settings.WECOM_TIMEOUT = 2
    yield server
    server.stop()


@pytest.fixture
def wecom_robot(settings):
    """A local stand-in of WeCom whose robot webhooks the site may post to; the app stays off."""
    from tests import wecom_server

    server = wecom_server.FakeWeCom().start()
    settings.WECOM_ROBOT_HOSTS = ["qyapi.weixin.qq.com", server.base_url]
    settings.WECOM_TIMEOUT = 2
    yield server
    server.stop()
