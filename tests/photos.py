"""Photos as phones make them, for upload tests: GPS and serial number inside, HEIC, 12 MP."""

import io
import os

import pillow_heif
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
EXIF_IFD = 0x8769
MAKE, MODEL = 0x010F, 0x0110
BODY_SERIAL = 0xA431
LENS_SERIAL = 0xA435
DATETIME_ORIGINAL = 0x9003
ORIENTATION = 0x0112


def phone_exif(taken="2024:05:01 10:30:00", orientation=None):
    """EXIF as a phone writes it: where (GPS), with what (make, model, serials), when."""
    exif = Image.Exif()
    exif[MAKE] = "Huawei"
    exif[MODEL] = "P60 Pro"
    if orientation:
        exif[ORIENTATION] = orientation
    exif.get_ifd(EXIF_IFD).update(
        {DATETIME_ORIGINAL: taken, BODY_SERIAL: "SN-1234567890", LENS_SERIAL: "LS-42"}
    )
    exif.get_ifd(GPS_IFD).update(
        {
            1: "N",
            2: (29.0, 39.0, 36.0),  # 奉化 29°39'36"N 121°24'36"E
            3: "E",
            4: (121.0, 24.0, 36.0),
        }
    )
    return exif


def gps_jpeg_bytes(size=(640, 480), taken="2024:05:01 10:30:00", orientation=None):
    image = Image.new("RGB", size, (10, 120, 200))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=phone_exif(taken, orientation))
    return buffer.getvalue()


def gps_jpeg(name="IMG_0042.jpg", **kwargs):
    return SimpleUploadedFile(name, gps_jpeg_bytes(**kwargs), content_type="image/jpeg")


def heic(name="IMG_0043.HEIC", size=(320, 240), taken="2024:05:02 08:15:00"):
    """A HEIC photo as an iPhone makes it, location and capture time included."""
    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 60, 20)).save(
        buffer, format="HEIF", exif=phone_exif(taken).tobytes()
    )
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/heic")


def twelve_megapixels(name="IMG_0044.jpg"):
    """A 4000×3000 photo of fine grain at JPEG quality 100: well over 10 MB."""
    grain = Image.frombytes("RGB", (1000, 750), os.urandom(1000 * 750 * 3))
    image = grain.resize((4000, 3000), Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=100, exif=phone_exif())
    data = buffer.getvalue()
    assert len(data) > 10 * 1024 * 1024
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def assert_no_location_or_device(data):
    """The bytes of an image that tells nothing of where it was taken or with what."""
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        assert not exif.get_ifd(GPS_IFD), "GPS data kept"
        assert GPS_IFD not in exif
        assert MAKE not in exif and MODEL not in exif, "camera make or model kept"
        sub = exif.get_ifd(EXIF_IFD)
        assert BODY_SERIAL not in sub and LENS_SERIAL not in sub, "serial number kept"
        assert "xmp" not in image.info and "XML:com.adobe.xmp" not in image.info
        assert "icc_profile" not in image.info or not image.info["icc_profile"]
    for marker in (b"Huawei", b"P60 Pro", b"SN-1234567890", b"LS-42"):
        assert marker not in data, f"{marker!r} is still in the file"


def read(file_field):
    with file_field.open("rb") as handle:
        return handle.read()


def image_format(data):
    with Image.open(io.BytesIO(data)) as image:
        return image.format, image.size


def streamed(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def media_bytes(url):
    """The bytes behind a media URL, from the storage the web server serves them from (the
    test URLconf's media route keeps the folder of the first test that loaded it)."""
    from django.conf import settings
    from django.core.files.storage import default_storage

    assert url.startswith(settings.MEDIA_URL), url
    with default_storage.open(url.removeprefix(settings.MEDIA_URL)) as handle:
        return handle.read()
