import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation
from PIL import Image

from core.demo import DemoContext, seed_site
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes uploads into its own temporary folder."""
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


@pytest.fixture
def demo_data(db, monkeypatch):
    """The whole demo, with its logins (password ``demo``)."""
    monkeypatch.setenv("DEMO_PASSWORD", "demo")
    call_command("seed_demo", stdout=io.StringIO())
