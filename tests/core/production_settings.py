"""The production settings module as it loads from the environment, for in-process tests."""

import importlib
import sys

from tests.core.test_settings import PRODUCTION


def load(monkeypatch, **env):
    """config.settings.production with PRODUCTION (and ``env``) in the environment; the
    test process keeps its own settings modules."""
    for name, value in {**PRODUCTION, **env}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SENTRY_DSN", raising=False)
    base = sys.modules.pop("config.settings.base")
    try:
        return importlib.import_module("config.settings.production")
    finally:
        sys.modules.pop("config.settings.production", None)
        sys.modules["config.settings.base"] = base
