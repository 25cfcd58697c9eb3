import io
import os
import shutil
import sqlite3
from contextlib import closing

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


class _SqliteDemo:
    """The demo kept as an in-memory copy of the seeded database, copied over the test
    database for a module and the empty copy put back afterwards (SQLite's backup API)."""

    def __init__(self, connection):
        connection.ensure_connection()
        self.connection = connection
        self.clean = self._copy(connection.connection, sqlite3.connect(":memory:"))
        _seed_demo()
        self.seeded = self._copy(connection.connection, sqlite3.connect(":memory:"))
        self._copy(self.clean, connection.connection)

    @staticmethod
    def _copy(source, target):
        source.backup(target)
        return target

    def enter(self):
        self.connection.ensure_connection()
        self._copy(self.seeded, self.connection.connection)

    def leave(self):
        self._copy(self.clean, self.connection.connection)

    def copy_to(self, database_url):
        with closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as target:
            self._copy(self.seeded, target)

    def close(self):
        self.clean.close()
        self.seeded.close()


class _PostgresDemo:
    """The demo seeded once into a database of its own beside the test database; a module
    switches the connection over to it (its changes are rolled back) and back afterwards."""

    def __init__(self, connection):
        self.connection = connection
        self.test_name = connection.settings_dict["NAME"]
        self.name = f"{self.test_name}_demo"
        connection.close()
        self.admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.admin(f'CREATE DATABASE "{self.name}" TEMPLATE "{self.test_name}"')
        self.enter()
        try:
            _seed_demo()
        finally:
            self.leave()

    def admin(self, sql):
        import psycopg

        settings = self.connection.settings_dict
        with psycopg.connect(
            dbname="postgres",
            user=settings["USER"],
            password=settings["PASSWORD"],
            host=settings["HOST"],
            port=settings["PORT"] or None,
            autocommit=True,
        ) as admin:
            admin.execute(sql)

    def enter(self):
        self.connection.close()
        self.connection.settings_dict["NAME"] = self.name

    def leave(self):
        self.connection.close()
        self.connection.settings_dict["NAME"] = self.test_name

    def copy_to(self, database_url):
        name = database_url.rpartition("/")[2]
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')

    def close(self):
        self.admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo seeded once per test process, and the folder its images were written to:
    ``enter()`` puts it in place of the (empty) test database, ``leave()`` takes it away,
    ``copy_to(url)`` writes it into another database."""
    from django.db import connection

    media_root = str(tmp_path_factory.mktemp("demo-media"))
    kinds = {"sqlite": _SqliteDemo, "postgresql": _PostgresDemo}
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root):
        if not connection.introspection.table_names():
            # Only browser tests were collected, and pytest-django set up no database for them.
            call_command("migrate", verbosity=0)
        snapshot = kinds[connection.vendor](connection)
        snapshot.media_root = media_root
        try:
            yield snapshot
        finally:
            snapshot.close()


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_blocker, tmp_path_factory):
    """The whole demo (logins with password "demo"), for the module.

    The process's seeded demo takes the place of the test database; everything runs inside
    one transaction that is rolled back at the end of the module, and each test in a
    savepoint inside it, so tests see the demo but not one another's changes.
    """
    media_root = str(tmp_path_factory.mktemp("demo-media"))
    shutil.copytree(demo_snapshot.media_root, media_root, dirs_exist_ok=True)
    media = override_settings(MEDIA_ROOT=media_root)
    media.enable()
    with django_db_blocker.unblock():
        demo_snapshot.enter()
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            demo_snapshot.leave()
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
