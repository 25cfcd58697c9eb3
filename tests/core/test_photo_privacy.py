"""Every photo the site keeps tells nothing of where it was taken or with which camera.

core.photos cleans an upload (location, device and every other metadata gone, upright, at
most 3000 px, HEIC as JPEG); every Wagtail image is cleaned as it is saved, so its original
and every rendition are clean; photos kept for a refused form are their uploader's alone.
"""

import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image
from wagtail.images import get_image_model
from wagtail.models import Collection, UploadedFile

from core import pending
from core.models import PendingPhoto
from core.photos import clean_photo
from core.refusals import Refused
from core.tasks import clear_pending_photos
from tests.factories import UserFactory
from tests.photos import (
    assert_no_location_or_device,
    gps_jpeg,
    gps_jpeg_bytes,
    heic,
    image_format,
    media_bytes,
    read,
    twelve_megapixels,
)

# ---------------------------------------------------------------- clean_photo


def test_location_and_device_go_and_the_capture_time_is_data():
    photo = clean_photo(gps_jpeg(taken="2024:05:01 10:30:00"))
    data = photo.file.read()
    assert_no_location_or_device(data)
    assert image_format(data) == ("JPEG", (640, 480))
    assert photo.file.name == "IMG_0042.jpg"
    local = timezone.localtime(photo.captured_at)
    assert (local.year, local.month, local.day, local.hour, local.minute) == (2024, 5, 1, 10, 30)


def test_a_photo_taken_sideways_is_stored_upright():
    photo = clean_photo(gps_jpeg(size=(640, 480), orientation=6))  # "rotate 90° to view"
    data = photo.file.read()
    assert image_format(data) == ("JPEG", (480, 640))
    with Image.open(io.BytesIO(data)) as image:
        assert 0x0112 not in image.getexif()  # nothing left to turn it again


def test_heic_from_an_iphone_is_stored_as_jpeg():
    photo = clean_photo(heic("IMG_0043.HEIC", size=(320, 240)))
    data = photo.file.read()
    assert photo.file.name == "IMG_0043.jpg"
    assert image_format(data) == ("JPEG", (320, 240))
    assert_no_location_or_device(data)
    assert timezone.localtime(photo.captured_at).date() == datetime.date(2024, 5, 2)


def test_a_12_megapixel_photo_over_10_mb_is_made_smaller():
    upload = twelve_megapixels()
    photo = clean_photo(upload)
    data = photo.file.read()
    assert len(data) < 10 * 1024 * 1024 < upload.size
    assert image_format(data) == ("JPEG", (3000, 2250))
    assert_no_location_or_device(data)


def test_a_transparent_png_stays_a_png_without_its_text():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "shot at 29.66N 121.41E with P60 Pro")
    buffer = io.BytesIO()
    Image.new("RGBA", (50, 40), (255, 0, 0, 100)).save(buffer, format="PNG", pnginfo=info)
    photo = clean_photo(SimpleUploadedFile("drawing.png", buffer.getvalue()))
    data = photo.file.read()
    assert image_format(data) == ("PNG", (50, 40))
    assert b"P60 Pro" not in data


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.jpg", b"%PDF-1.4 not an image", "is not an image (JPEG, PNG, GIF or WebP)."),
        ("huge.jpg", gps_jpeg_bytes() + b"\0" * (25 * 1024 * 1024), "is larger than 25 MB."),
    ],
)
def test_what_is_not_a_photo_or_too_large_is_refused(name, content, message):
    with translation.override("en"), pytest.raises(Refused) as refusal:
        clean_photo(SimpleUploadedFile(name, content))
    assert message in refusal.value.message and name in refusal.value.message


def test_a_photo_still_over_10_mb_once_smaller_is_refused(settings):
    settings.MAX_UPLOAD_SIZE = 1024  # what a 640×480 photo still weighs once cleaned
    with translation.override("en"), pytest.raises(Refused) as refusal:
        clean_photo(gps_jpeg())
    assert "still larger than" in refusal.value.message


# ---------------------------------------------------------------- Wagtail images


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor", is_staff=True, is_superuser=True)
    return user


def test_a_wagtail_image_keeps_no_location_in_its_original_or_its_renditions(db):
    image = get_image_model().objects.create(
        title="比赛现场", file=ImageFile(io.BytesIO(gps_jpeg_bytes()), name="scene.jpg")
    )
    image.refresh_from_db()
    original = read(image.file)
    assert_no_location_or_device(original)
    assert (image.width, image.height) == (640, 480)
    assert image.file_size == len(original)
    for spec in ("width-400", "original", "fill-200x200|format-webp"):
        rendition = image.get_rendition(spec)
        assert_no_location_or_device(read(rendition.file))
    assert image_format(read(image.get_rendition("width-400").file)) == ("JPEG", (400, 300))


def test_an_image_uploaded_in_the_admin_is_stored_clean(client, editor):
    client.force_login(editor)
    root = Collection.get_first_root_node()
    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": gps_jpeg("gallery.jpg"), "collection": root.pk},
    )
    assert response.status_code == 200 and response.json()["success"]
    image = get_image_model().objects.get(pk=response.json()["image_id"])
    assert_no_location_or_device(read(image.file))
    assert_no_location_or_device(media_bytes(image.file.url))
    assert_no_location_or_device(read(image.get_rendition("width-400").file))


def test_a_heic_uploaded_in_the_admin_is_stored_as_jpeg(client, editor):
    client.force_login(editor)
    root = Collection.get_first_root_node()
    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": heic("IMG_0043.heic"), "collection": root.pk},
    )
    assert response.json()["success"], response.json()
    image = get_image_model().objects.get(pk=response.json()["image_id"])
    assert image.file.name.endswith(".jpg")
    data = read(image.file)
    assert image_format(data) == ("JPEG", (320, 240))
    assert_no_location_or_device(data)


def test_an_admin_upload_kept_for_its_details_is_clean_too(editor):
    """What the admin keeps aside (an image model with more required fields) is cleaned
    as it arrives: the image made from it later copies clean bytes."""
    upload = UploadedFile.objects.create(
        for_content_type=ContentType.objects.get_for_model(get_image_model()),
        file=gps_jpeg("IMG_0042.jpg"),
        uploaded_by_user=editor,
    )
    assert upload.file.name.endswith(".jpg")
    assert_no_location_or_device(read(upload.file))


# ---------------------------------------------------------------- pending photos


@pytest.fixture
def kept(db):
    owner = UserFactory(username="owner", role="mentor")
    photo = pending.keep(owner, clean_photo(gps_jpeg()), "IMG_0042.jpg")
    return owner, photo


def test_a_pending_photo_is_shown_to_its_uploader_only(client, kept):
    owner, photo = kept
    url = reverse("core:pending_photo", args=[photo.token])
    assert client.get(url).status_code == 302  # to the login
    client.force_login(UserFactory(username="someone", role="mentor"))
    assert client.get(url).status_code == 404
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert image_format(response.content)[0] == "JPEG"
    assert_no_location_or_device(response.content)


def test_another_persons_token_finds_nothing(kept):
    owner, photo = kept
    assert pending.find(owner, [photo.token, "forged"]) == [photo]
    assert pending.find(UserFactory(username="thief"), [photo.token]) == []


def test_pending_photos_older_than_a_day_are_cleared(kept, django_capture_on_commit_callbacks):
    owner, photo = kept
    fresh = pending.keep(owner, clean_photo(gps_jpeg()), "new.jpg")
    PendingPhoto.objects.filter(pk=photo.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    storage = PendingPhoto._meta.get_field("file").storage
    assert storage.exists(photo.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        assert clear_pending_photos.delay().get() == 1
    assert list(PendingPhoto.objects.all()) == [fresh]
    assert not storage.exists(photo.file.name)
    assert storage.exists(fresh.file.name)


def test_the_beat_clears_pending_photos(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "core.tasks.clear_pending_photos" in tasks


# ---------------------------------------------------------------- images stored before


def test_images_stored_before_are_cleaned_by_a_command(db):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    name = default_storage.save("original_images/old.jpg", ContentFile(gps_jpeg_bytes()))
    image = get_image_model().objects.create(title="旧照片", file=name, width=640, height=480)
    old_rendition = image.get_rendition("width-400")
    assert b"SN-1234567890" in read(image.file)  # as it was before photos were cleaned

    out = io.StringIO()
    call_command("clean_photos", stdout=out)
    assert "1 image(s) cleaned" in out.getvalue()
    image.refresh_from_db()
    assert_no_location_or_device(read(image.file))
    assert not default_storage.exists(name) or image.file.name == name
    assert not default_storage.exists(old_rendition.file.name)
    assert_no_location_or_device(read(image.get_rendition("width-400").file))

    out = io.StringIO()
    call_command("clean_photos", stdout=out)
    assert "0 image(s) cleaned" in out.getvalue()  # nothing left to do
