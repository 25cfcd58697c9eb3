"""Playwright on Debian's chromium. Skips on a machine without chromium, never in CI."""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from pathlib import Path
from types import SimpleNamespace

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "browser"
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module. Playwright's synchronous API runs an event loop in this
    thread while it is open, and Django refuses database work from a thread with a running
    loop, so it is closed before the worker moves on to other modules."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"chromium is required in CI and was not found at {CHROMIUM}")
        pytest.skip(f"chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_demo(live_demo_server):
    """The address of a real server with the whole demo (password ``demo``)."""
    return live_demo_server.url


@pytest.fixture
def live_db(live_demo_server):
    """Rows from the live server's database, read as the server saved them:
    ``live_db("SELECT … WHERE id = %s", [pk])`` (an UPDATE is committed). Each call opens its
    own short connection, so the server never waits on the test."""
    url = live_demo_server.database_url

    def query(sql, params=()):
        if url.startswith("sqlite:///"):
            with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as connection:
                rows = connection.execute(sql.replace("%s", "?"), list(params)).fetchall()
                connection.commit()
                return rows
        import psycopg

        with psycopg.connect(url) as connection:
            cursor = connection.execute(sql, list(params))
            return cursor.fetchall() if cursor.description else []

    return query


@pytest.fixture(scope="session")
def live_demo_server(tmp_path_factory, demo_snapshot):
    """A real server process on its own database with the whole demo (password ``demo``).

    The browser sees what a user would: the site after ``migrate`` and ``seed_demo``, served
    by ``runserver`` with the test settings, on a copy of the process's seeded demo: a SQLite
    file, or on PostgreSQL (DATABASE_URL) a database of its own, dropped afterwards.
    """
    folder = tmp_path_factory.mktemp("live")
    database_url, drop = _browser_database(folder)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "DEMO_PASSWORD": "demo",
        "CELERY_BROKER_URL": "",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    demo_snapshot.copy_to(database_url)
    shutil.copytree(demo_snapshot.media_root, folder / "media")
    port = _free_port()
    log = open(folder / "server.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(  # noqa: S603
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server, folder / "server.log")
        yield SimpleNamespace(url=url, database_url=database_url)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
        drop()


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url, server, log_path):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer:\n{log_path.read_text()[-3000:]}")


def _browser_database(folder):
    """A database of its own for the server: a SQLite file, or a new PostgreSQL database."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{folder}/browser.sqlite3", lambda: None
    import psycopg

    base, _slash, name = url.rpartition("/")
    browser_name = f"{name}_browser_{os.getpid()}"
    admin_url = f"{base}/postgres"

    def execute(sql):
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(sql)

    execute(f'DROP DATABASE IF EXISTS "{browser_name}"')
    execute(f'CREATE DATABASE "{browser_name}"')
    return f"{base}/{browser_name}", lambda: execute(
        f'DROP DATABASE IF EXISTS "{browser_name}" WITH (FORCE)'
    )


def _new_page(browser, viewport, request):
    context = browser.new_context(viewport=viewport, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{request.node.name}-final.png"), full_page=True)
    context.close()


@pytest.fixture
def phone(browser, request):
    """A phone-sized page whose browser asks for English, like many real phones."""
    yield from _new_page(browser, PHONE, request)


@pytest.fixture
def tablet(browser, request):
    yield from _new_page(browser, TABLET, request)


@pytest.fixture
def screenshot(request):
    """Save a named screenshot under test-output/browser/."""

    def save(page, name):
        OUTPUT.mkdir(parents=True, exist_ok=True)
        path = OUTPUT / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


def log_in(page, base_url, username, password="demo"):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
