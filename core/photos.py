"""Photos as the site keeps them: no location, no device, never larger than it needs.

Every photo a person uploads (evidence in the logbook, a lesson step's picture, an image in
the Wagtail admin) passes through ``clean_photo``: it is decoded with Pillow (HEIC/HEIF from
phones through pillow-heif), turned upright by its EXIF orientation, shrunk to at most
``MAX_PHOTO_EDGE`` pixels on its longer side and encoded anew without any metadata: no EXIF
(so no GPS position, camera make, model or serial number), no XMP, no comments, and colours
converted to sRGB so that no camera's ICC profile stays either. The capture time
(DateTimeOriginal) is read first and handed back as data, for the logbook to show.

The size rule: a raw upload of up to ``settings.MAX_PHOTO_UPLOAD_SIZE`` (25 MB) is accepted and
made smaller; above that it is refused ("larger than 25 MB"). What is stored must then weigh at
most ``settings.MAX_UPLOAD_SIZE`` (10 MB), or it is refused too. Browsers shrink large photos
before they upload them (``core/static/core/photo_resize.js``), so this limit is rarely reached.
"""

import datetime
import io
import uuid
import warnings
from pathlib import PurePath
from typing import NamedTuple

import pillow_heif
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from wagtail.utils.file import hash_filelike

from .refusals import Refused

pillow_heif.register_heif_opener()

MB = 1024 * 1024
# A phone photo is 12–50 megapixels; a small file that claims far more is a decompression bomb.
MAX_PHOTO_PIXELS = 80_000_000
# 3000 px is more than any page shows (the largest rendition is 1200 px) and keeps prints sharp.
MAX_PHOTO_EDGE = 3000
JPEG_QUALITY = 85
# The formats accepted; HEIF (HEIC from iPhones) and MPO (a JPEG with a second picture, as
# many phones write) are stored as JPEG.
ACCEPTED_FORMATS = {"JPEG", "MPO", "PNG", "GIF", "WEBP", "HEIF"}
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}

EXIF_IFD = 0x8769
EXIF_DATETIME_ORIGINAL = 0x9003
EXIF_DATETIME = 0x0132


class CleanedFile(ContentFile):
    """The bytes of a cleaned photo; the Wagtail image hook knows not to clean them again."""

    photo_cleaned = True


class CleanedPhoto(NamedTuple):
    file: CleanedFile  # named after its format, e.g. "IMG_0042.jpg"
    captured_at: datetime.datetime | None  # aware, in the site's time zone


def is_cleaned(file):
    return getattr(file, "photo_cleaned", False) or getattr(
        getattr(file, "file", None), "photo_cleaned", False
    )


def clean_photo(upload, *, name=None, field="photos"):
    """The upload without location and device data, upright and at most 3000 px: a JPEG
    (a PNG for transparent pictures, the same format for animations), and its capture time.

    Raises ``Refused`` (on ``field``) for a file that is too large, not an image, or has too
    many pixels. ``name`` is the stored file's name without extension (default: the upload's).
    """
    display = PurePath(getattr(upload, "name", "") or "photo").name
    size = _size(upload)
    if size is not None and size > settings.MAX_PHOTO_UPLOAD_SIZE:
        raise too_large(display, settings.MAX_PHOTO_UPLOAD_SIZE, field)
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise not_an_image(display, field)
                width, height = image.size
                if width * height * getattr(image, "n_frames", 1) > MAX_PHOTO_PIXELS:
                    raise too_many_pixels(display, field)
                captured_at = _capture_time(image)
                data, image_format = _encode(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_many_pixels(display, field) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise not_an_image(display, field) from error
    finally:
        _rewind(upload)
    if len(data) > settings.MAX_UPLOAD_SIZE:
        raise Refused(
            _("“%(name)s” is still larger than %(limit)d MB once made smaller.")
            % {"name": display, "limit": settings.MAX_UPLOAD_SIZE // MB},
            field=field,
        )
    stem = name or PurePath(display).stem or "photo"
    return CleanedPhoto(CleanedFile(data, name=stem + EXTENSIONS[image_format]), captured_at)


def photo_input_attrs():
    """Attributes of a file input for photos: what it accepts, and what the browser shrinks
    before uploading (``core/static/core/photo_resize.js``)."""
    return {
        "accept": "image/*,.heic,.heif",
        "data-resize-photos": "",
        "data-max-bytes": str(settings.MAX_UPLOAD_SIZE),
        "data-max-edge": str(MAX_PHOTO_EDGE),
    }


def new_name():
    """A random file name: a photo is never reachable by guessing a path."""
    return uuid.uuid4().hex


def not_an_image(name, field="photos"):
    return Refused(
        _("“%(name)s” is not an image (JPEG, PNG, GIF or WebP).") % {"name": name}, field=field
    )


def too_many_pixels(name, field="photos"):
    return Refused(
        _("“%(name)s” has too many pixels (at most %(n)d megapixels).")
        % {"name": name, "n": MAX_PHOTO_PIXELS // 1_000_000},
        field=field,
    )


def too_large(name, limit, field="photos"):
    return Refused(
        _("“%(name)s” is larger than %(limit)d MB.") % {"name": name, "limit": limit // MB},
        field=field,
    )


def _size(upload):
    size = getattr(upload, "size", None)
    if size is None:
        try:
            position = upload.tell()
            upload.seek(0, io.SEEK_END)
            size = upload.tell()
            upload.seek(position)
        except (AttributeError, OSError):
            return None
    return size


def _rewind(upload):
    try:
        upload.seek(0)
    except (AttributeError, OSError, ValueError):
        pass


def _capture_time(image):
    """DateTimeOriginal (or DateTime) of the EXIF data, as an aware datetime, or None."""
    try:
        exif = image.getexif()
        raw = exif.get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL) or exif.get(EXIF_DATETIME)
    except Exception:  # noqa: BLE001 - broken EXIF data only means the time is unknown
        return None
    if not raw:
        return None
    try:
        naive = datetime.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _encode(image):
    """(bytes, format) of the picture encoded anew, without any of the source's metadata."""
    if getattr(image, "is_animated", False) and image.format in {"GIF", "WEBP"}:
        return _encode_animation(image)
    if image.format in {"JPEG", "MPO"}:
        # Decode at a reduced scale when the photo is far larger than what is kept.
        image.draft("RGB", (MAX_PHOTO_EDGE, MAX_PHOTO_EDGE))
    picture = ImageOps.exif_transpose(image)  # a copy, upright, whatever the orientation tag
    picture = _to_srgb(picture, image.info.get("icc_profile"))
    transparent = _has_transparency(picture)
    picture = picture.convert("RGBA" if transparent else "RGB")
    picture.thumbnail((MAX_PHOTO_EDGE, MAX_PHOTO_EDGE), Image.Resampling.LANCZOS)
    # A new image from the bare pixels: nothing of the source's info (EXIF, XMP, ICC profile,
    # comments, text chunks) can come along.
    bare = Image.frombytes(picture.mode, picture.size, picture.tobytes())
    out = io.BytesIO()
    keep_png = transparent or image.format in {"PNG", "GIF"}
    if keep_png:
        bare.save(out, format="PNG", optimize=True)
        if transparent or out.tell() <= settings.MAX_UPLOAD_SIZE:
            return out.getvalue(), "PNG"
        out = io.BytesIO()  # a large opaque PNG (a photo saved as PNG) is kept as a JPEG
    bare.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue(), "JPEG"


def _encode_animation(image):
    """An animated GIF or WebP: every frame anew, same size, timing kept, no metadata."""
    frames, durations = [], []
    for index in range(image.n_frames):
        image.seek(index)
        frame = image.convert("RGBA")
        frames.append(Image.frombytes("RGBA", frame.size, frame.tobytes()))
        durations.append(image.info.get("duration", 100))
    out = io.BytesIO()
    options = {"save_all": True, "append_images": frames[1:], "duration": durations, "loop": 0}
    if image.format == "GIF":
        frames[0].save(out, format="GIF", disposal=2, **options)
    else:
        frames[0].save(out, format="WEBP", quality=JPEG_QUALITY, **options)
    return out.getvalue(), image.format


def _to_srgb(picture, icc_profile):
    """Colours in sRGB, so that the camera's profile (which may name the device) can go."""
    if not icc_profile or picture.mode not in {"RGB", "RGBA"}:
        return picture
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        return ImageCms.profileToProfile(
            picture, source, ImageCms.createProfile("sRGB"), outputMode=picture.mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return picture


def _has_transparency(picture):
    if picture.mode in {"RGBA", "LA", "PA"}:
        return picture.getchannel("A").getextrema()[0] < 255
    return picture.mode == "P" and "transparency" in picture.info


def thumbnail_jpeg(file, size=(240, 180)):
    """A small JPEG of a (cleaned) photo, for a form to show what it keeps."""
    with Image.open(file) as image:
        image.draft("RGB", size)
        picture = image.convert("RGB")
    picture.thumbnail(size)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=80)
    return out.getvalue()


def clean_wagtail_image(image):
    """Clean a Wagtail image's new file in place, before it is written (``pre_save``).

    Only a file not yet in storage is cleaned: the upload of the admin (a new image or a
    replaced file) or of code that creates an image. Files cleaned already (``CleanedFile``)
    are left as they are.
    """
    file = image.file
    if not file or getattr(file, "_committed", True) or is_cleaned(file):
        return
    stem = PurePath(file.name or "image").stem
    cleaned = clean_photo(file, name=stem, field="file")
    image.file = cleaned.file  # the field's descriptor sets width and height anew
    if hasattr(image, "file_hash"):  # not on an admin upload waiting for its details
        image.file_size = cleaned.file.size
        image.file_hash = hash_filelike(cleaned.file)
        cleaned.file.seek(0)


def has_metadata(file):
    """Whether a stored image file carries any metadata (EXIF, XMP, ICC profile, comments)."""
    with Image.open(file) as image:
        if len(image.getexif()):
            return True
        keys = {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "photoshop"}
        # PNG text chunks (a comment, a description) come as strings.
        return bool(keys & set(image.info)) or any(
            isinstance(value, str) for value in image.info.values()
        )


def clean_stored_image(image):
    """Clean a Wagtail image already in storage: a new clean original, renditions anew."""
    old_name = image.file.name
    with image.open_file() as handle:
        cleaned = clean_photo(handle, name=PurePath(old_name).stem, field="file")
    storage = image.file.storage
    image.file.save(PurePath(cleaned.file.name).name, cleaned.file, save=False)
    image.file_size = cleaned.file.size
    cleaned.file.seek(0)
    image.file_hash = hash_filelike(cleaned.file)
    image.save()
    for rendition in image.renditions.all():
        rendition.file.delete(save=False)
        rendition.delete()
    if old_name != image.file.name:
        storage.delete(old_name)
    return cleaned
