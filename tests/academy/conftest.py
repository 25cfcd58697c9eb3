import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import UserFactory
from tests.factories.academy import PairingFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Wagtail caches renditions in the default cache; ids repeat from test to test, and a
    rendition cached by an earlier test points into that test's (deleted) media folder."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def manager(db):
    return UserFactory(username="academy-manager", role="manager", is_staff=True)


@pytest.fixture
def pairing(db):
    """An active pairing of ``mentor1`` and ``apprentice1`` with two competencies."""
    return PairingFactory(
        mentor=UserFactory(username="mentor1", role="mentor"),
        apprentice=UserFactory(username="apprentice1", role="apprentice"),
        competencies=2,
    )


@pytest.fixture
def other_pairing(db):
    """The twin: ``mentor2`` with their own apprentice."""
    return PairingFactory(
        mentor=UserFactory(username="mentor2", role="mentor"),
        apprentice=UserFactory(username="apprentice2", role="apprentice"),
        competencies=1,
    )


@pytest.fixture
def photo_upload(png_bytes):
    def make(name="work.png", size=(40, 30)):
        return SimpleUploadedFile(name, png_bytes(size), content_type="image/png")

    return make


@pytest.fixture
def jpeg_with_exif():
    def make(taken="2024:05:01 10:30:00"):
        image = Image.new("RGB", (64, 48), (10, 120, 200))
        exif = Image.Exif()
        exif[306] = taken
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", exif=exif)
        return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")

    return make
