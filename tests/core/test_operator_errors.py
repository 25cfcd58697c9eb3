"""Errors reach the operator: ADMINS from DJANGO_ADMINS, a mail to them on every 500 with the
production logging, and Sentry when SENTRY_DSN is set."""

import logging
import logging.config

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.urls import path

from config import urls as site_urls
from config.settings.base import env_admins
from tests.core import production_settings
from tests.core.test_settings import PRODUCTION, manage


def broken_view(request):
    raise ZeroDivisionError("a real bug")


urlpatterns = [path("broken/", broken_view), *site_urls.urlpatterns]


def test_admins_come_from_one_variable(monkeypatch):
    monkeypatch.setenv("DJANGO_ADMINS", "值班员 <ops@example.cn>, noc@example.cn")
    assert env_admins("DJANGO_ADMINS") == [
        ("值班员", "ops@example.cn"),
        ("noc@example.cn", "noc@example.cn"),
    ]
    monkeypatch.setenv("DJANGO_ADMINS", "")
    assert env_admins("DJANGO_ADMINS") == []


def test_a_wrong_admin_address_is_named(monkeypatch):
    monkeypatch.setenv("DJANGO_ADMINS", "Ops <ops@example.cn>, Someone")
    with pytest.raises(ImproperlyConfigured, match="'Someone'"):
        env_admins("DJANGO_ADMINS")


@pytest.fixture
def production_logging(monkeypatch):
    """The production settings' LOGGING and ADMINS, applied here; logging restored after."""
    production = production_settings.load(monkeypatch, DJANGO_ADMINS="值班员 <ops@example.cn>")
    loggers = {name: logging.getLogger(name) for name in production.LOGGING["loggers"]}
    saved = {
        name: (logger.handlers[:], logger.level, logger.propagate)
        for name, logger in loggers.items()
    }
    logging.config.dictConfig(production.LOGGING)
    yield production
    for name, (handlers, level, propagate) in saved.items():
        loggers[name].handlers, loggers[name].level = handlers, level
        loggers[name].propagate = propagate


@pytest.mark.django_db
def test_a_500_in_production_mails_the_admins(client, settings, production_logging):
    settings.ADMINS = production_logging.ADMINS
    settings.SERVER_EMAIL = production_logging.SERVER_EMAIL
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ops@example.cn"]
    assert message.from_email == "noreply@jiangxin.example.cn"
    assert "/broken/" in message.subject and "ZeroDivisionError" in message.body


@pytest.mark.django_db
def test_a_failed_background_task_mails_the_admins(settings, production_logging):
    settings.ADMINS = production_logging.ADMINS
    logging.getLogger("celery.app.trace").error("Task core.tasks.add[1] raised: boom")
    assert [message.to for message in mail.outbox] == [["ops@example.cn"]]


def _sentry_in_production(**env):
    ask = "import sentry_sdk; c = sentry_sdk.get_client(); print('sentry', c.is_active(), c.dsn)"
    result = manage(
        "shell", "--no-imports", "-c", ask, "--settings=config.settings.production", **env
    )
    assert result.returncode == 0, result.stderr
    return next(line for line in result.stdout.splitlines() if line.startswith("sentry "))


def test_sentry_starts_only_when_its_dsn_is_set():
    dsn = "https://public@sentry.example.invalid/1"
    assert _sentry_in_production(SENTRY_DSN=dsn, **PRODUCTION) == f"sentry True {dsn}"
    assert _sentry_in_production(**PRODUCTION) == "sentry False None"
