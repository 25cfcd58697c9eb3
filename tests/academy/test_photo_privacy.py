"""Evidence photos keep no location: what the logbook serves tells where and with what never.

A phone photo with GPS and a camera serial is uploaded as evidence; every byte served for it
(thumbnail, large view, the stored original) is read back; the logbook still shows when it
was taken. HEIC and 12 MP photos over 10 MB are accepted; a photo chosen on a form that is
refused for another field is kept for its mentor and attached when the form is saved.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from academy.models import EvidencePhoto, LogEntry
from core.models import PendingPhoto
from tests.factories import UserFactory
from tests.photos import (
    assert_no_location_or_device,
    gps_jpeg,
    heic,
    image_format,
    read,
    streamed,
    twelve_megapixels,
)

pytestmark = pytest.mark.django_db


def _entry_data(**overrides):
    data = {
        "date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "hours": "3.5",
        "skills": "排料",
        "notes": "独立完成排料",
    }
    data.update(overrides)
    return data


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def _log(client, pairing, **overrides):
    return client.post(en("academy:entry_create", pairing.pk), _entry_data(**overrides))


def _tokens(response):
    return re.findall(r'name="pending_photos" value="([^"]+)"', response.content.decode())


def test_evidence_is_served_without_location_or_device_and_with_its_capture_time(client, pairing):
    client.force_login(pairing.mentor)
    response = _log(client, pairing, photos=[gps_jpeg(taken="2024:05:01 10:30:00")])
    assert response.status_code == 302
    photo = EvidencePhoto.objects.get()
    for size in ("thumb", "large"):
        served = client.get(reverse("academy:photo", args=[photo.pk, size]))
        assert served.status_code == 200
        assert_no_location_or_device(streamed(served))
    assert_no_location_or_device(read(photo.image.file))
    assert_no_location_or_device(read(photo.image.get_rendition("width-400").file))

    client.force_login(pairing.apprentice)
    page = client.get(en("academy:entry", photo.entry_id))
    assert "Taken 2024-05-01 10:30" in page.content.decode()


def test_a_heic_photo_is_stored_and_served_as_jpeg(client, pairing):
    client.force_login(pairing.mentor)
    assert _log(client, pairing, photos=[heic(size=(320, 240))]).status_code == 302
    photo = EvidencePhoto.objects.get()
    assert photo.image.file.name.endswith(".jpg")
    assert image_format(read(photo.image.file)) == ("JPEG", (320, 240))
    served = client.get(reverse("academy:photo", args=[photo.pk, "large"]))
    assert served["Content-Type"] == "image/jpeg"
    assert image_format(streamed(served))[0] == "JPEG"
    assert timezone.localtime(photo.taken_at).date() == datetime.date(2024, 5, 2)


def test_a_12_megapixel_photo_over_10_mb_is_accepted_and_stored_smaller(client, pairing):
    client.force_login(pairing.mentor)
    upload = twelve_megapixels()
    assert _log(client, pairing, photos=[upload]).status_code == 302
    photo = EvidencePhoto.objects.get()
    stored = read(photo.image.file)
    assert len(stored) < 10 * 1024 * 1024 < upload.size
    assert image_format(stored) == ("JPEG", (3000, 2250))
    assert (photo.image.width, photo.image.height) == (3000, 2250)


def test_the_form_says_what_it_accepts(client, pairing):
    client.force_login(pairing.mentor)
    page = client.get(en("academy:entry_create", pairing.pk))
    html = page.content.decode()
    assert "JPEG, PNG, GIF, WebP or HEIC. Large photos are made smaller." in html
    assert "data-resize-photos" in html and "core/photo_resize" in html


class TestAPhotoSurvivesARefusal:
    def test_the_photo_is_kept_and_saved_with_the_corrected_entry(self, client, pairing):
        client.force_login(pairing.mentor)
        refused = _log(client, pairing, hours="30", photos=[gps_jpeg(taken="2024:05:01 10:30:00")])
        assert refused.status_code == 400
        html = refused.content.decode()
        assert "Hours must be more than 0 and at most 24." in html
        assert "Photos you chose (kept until you save)" in html
        assert "Up to 5 photos" in html  # six per entry, one kept
        [token] = _tokens(refused)
        thumb = client.get(reverse("core:pending_photo", args=[token]))
        assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
        assert not LogEntry.objects.exists()

        saved = _log(client, pairing, hours="3", pending_photos=[token])
        assert saved.status_code == 302
        photo = EvidencePhoto.objects.get(entry__pairing=pairing)
        assert_no_location_or_device(read(photo.image.file))
        assert timezone.localtime(photo.taken_at).hour == 10
        assert not PendingPhoto.objects.exists()  # used, so gone

    def test_another_refusal_keeps_the_photo_again(self, client, pairing):
        client.force_login(pairing.mentor)
        [token] = _tokens(_log(client, pairing, hours="30", photos=[gps_jpeg()]))
        again = _log(client, pairing, hours="", pending_photos=[token])
        assert again.status_code == 400
        assert _tokens(again) == [token]

    def test_a_kept_photo_can_be_removed(self, client, pairing):
        client.force_login(pairing.mentor)
        [token] = _tokens(_log(client, pairing, hours="30", photos=[gps_jpeg()]))
        saved = _log(client, pairing, hours="3", pending_photos=[token], pending_remove=[token])
        assert saved.status_code == 302
        assert LogEntry.objects.get().photos.count() == 0
        assert not PendingPhoto.objects.exists()

    def test_only_the_uploader_can_use_a_kept_photo(self, client, pairing, other_pairing):
        client.force_login(pairing.mentor)
        [token] = _tokens(_log(client, pairing, hours="30", photos=[gps_jpeg()]))
        client.force_login(other_pairing.mentor)
        assert client.get(reverse("core:pending_photo", args=[token])).status_code == 404
        response = _log(client, other_pairing, hours="3", pending_photos=[token])
        assert response.status_code == 302
        assert LogEntry.objects.get(pairing=other_pairing).photos.count() == 0
        assert PendingPhoto.objects.filter(token=token, user=pairing.mentor).exists()

    def test_a_refused_file_is_not_kept_but_the_good_one_is(self, client, pairing):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client.force_login(pairing.mentor)
        fake = SimpleUploadedFile("notes.jpg", b"%PDF-1.4", content_type="image/jpeg")
        refused = _log(client, pairing, photos=[gps_jpeg(), fake])
        assert refused.status_code == 400
        assert "“notes.jpg” is not an image" in refused.content.decode()
        assert len(_tokens(refused)) == 1

    def test_kept_photos_count_towards_six(self, client, pairing):
        client.force_login(pairing.mentor)
        photos = [gps_jpeg(f"{n}.jpg", size=(40, 30)) for n in range(4)]
        tokens = _tokens(_log(client, pairing, hours="30", photos=photos))
        assert len(tokens) == 4
        more = [gps_jpeg(f"more{n}.jpg", size=(40, 30)) for n in range(3)]
        refused = _log(client, pairing, pending_photos=tokens, photos=more)
        assert refused.status_code == 400
        assert "At most 6 photos per entry." in refused.content.decode()
        assert len(_tokens(refused)) == 6  # those kept, and what fits of the new ones


def test_a_stranger_cannot_reach_a_kept_photo_even_as_a_mentor(client, pairing):
    client.force_login(pairing.mentor)
    [token] = _tokens(_log(client, pairing, hours="30", photos=[gps_jpeg()]))
    client.force_login(UserFactory(username="stranger", role="apprentice"))
    assert client.get(reverse("core:pending_photo", args=[token])).status_code == 404
