"""A lesson step's picture keeps no location: the stored image, its renditions and what the
lesson page serves tell nothing of where it was taken or with which phone. HEIC is accepted;
a picture chosen on a lesson form refused for another field is kept until the form is saved.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from core.models import PendingPhoto
from heritage.models import LessonPage
from tests.factories import UserFactory
from tests.heritage.test_lesson_drafts import lesson_data
from tests.photos import (
    assert_no_location_or_device,
    gps_jpeg,
    heic,
    image_format,
    media_bytes,
    read,
    twelve_megapixels,
)

pytestmark = pytest.mark.django_db


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def _step_image(title="扎染小手帕", index=0):
    page = LessonPage.objects.get(title=title)
    return page, page.get_latest_revision_as_object().steps[index].value["image"]


def test_a_step_picture_is_stored_and_served_without_location_or_device(client, world):
    client.force_login(world.craftsman)
    data = lesson_data(**{"steps-0-image": gps_jpeg("step.jpg")})
    assert client.post(en("heritage:lesson_new", world.craft.pk), data).status_code == 302
    page, image = _step_image()
    assert_no_location_or_device(read(image.file))
    assert_no_location_or_device(read(image.get_rendition("width-400").file))

    preview = client.get(en("heritage:lesson_preview", page.pk)).content.decode()
    sources = re.findall(r'<img[^>]+src="([^"]+)"', preview)
    served = [src for src in sources if "/images/" in src or "/media/" in src]
    assert served, sources
    for src in served:
        assert_no_location_or_device(media_bytes(src))


def test_a_heic_step_picture_is_stored_as_jpeg(client, world):
    client.force_login(world.craftsman)
    data = lesson_data(**{"steps-0-image": heic("IMG_0043.heic")})
    response = client.post(en("heritage:lesson_new", world.craft.pk), data)
    assert response.status_code == 302
    _page, image = _step_image()
    assert image.file.name.endswith(".jpg")
    assert image_format(read(image.file)) == ("JPEG", (320, 240))


def test_a_12_megapixel_step_picture_over_10_mb_is_stored_smaller(client, world):
    client.force_login(world.craftsman)
    upload = twelve_megapixels()
    data = lesson_data(**{"steps-0-image": upload})
    assert client.post(en("heritage:lesson_new", world.craft.pk), data).status_code == 302
    _page, image = _step_image()
    stored = read(image.file)
    assert len(stored) < 10 * 1024 * 1024 < upload.size
    assert image_format(stored) == ("JPEG", (3000, 2250))


def test_the_picture_survives_a_refusal_and_is_saved_with_the_lesson(client, world):
    client.force_login(world.craftsman)
    url = en("heritage:lesson_new", world.craft.pk)
    refused = client.post(url, lesson_data(title="", **{"steps-0-image": gps_jpeg("step.jpg")}))
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "The picture you chose is kept until you save." in html
    [token] = re.findall(r'name="steps-0-pending_image" value="([^"]+)"', html)
    assert client.get(reverse("core:pending_photo", args=[token])).status_code == 200

    saved = client.post(url, lesson_data(**{"steps-0-pending_image": token}))
    assert saved.status_code == 302
    _page, image = _step_image()
    assert image is not None
    assert_no_location_or_device(read(image.file))
    assert not PendingPhoto.objects.exists()


def test_a_kept_picture_can_be_removed(client, world):
    client.force_login(world.craftsman)
    url = en("heritage:lesson_new", world.craft.pk)
    refused = client.post(url, lesson_data(title="", **{"steps-0-image": gps_jpeg()}))
    [token] = re.findall(r'name="steps-0-pending_image" value="([^"]+)"', refused.content.decode())
    data = lesson_data(**{"steps-0-pending_image": token, "steps-0-remove_image": "on"})
    assert client.post(url, data).status_code == 302
    _page, image = _step_image()
    assert image is None
    assert not PendingPhoto.objects.exists()


def test_another_craftsman_cannot_use_a_kept_picture(client, world):
    client.force_login(world.craftsman)
    url = en("heritage:lesson_new", world.craft.pk)
    refused = client.post(url, lesson_data(title="", **{"steps-0-image": gps_jpeg()}))
    [token] = re.findall(r'name="steps-0-pending_image" value="([^"]+)"', refused.content.decode())
    # The same craft, another craftsman's session: the token is not theirs.
    other = UserFactory(username="craftsman-b", role="craftsman")
    world.craft.craftsman = other
    world.craft.save()
    client.force_login(other)
    assert client.get(reverse("core:pending_photo", args=[token])).status_code == 404
    assert client.post(url, lesson_data(**{"steps-0-pending_image": token})).status_code == 302
    _page, image = _step_image()
    assert image is None
    assert PendingPhoto.objects.filter(token=token).exists()
