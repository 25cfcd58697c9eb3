"""Evidence photos: checked, dated from their EXIF data, kept in a private collection."""

import datetime
import uuid
import warnings

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction

from core import roles
from core.refusals import Refused

from ..models import EvidencePhoto

EVIDENCE_COLLECTION = "学徒成长证据（不公开）"
MAX_PHOTOS_PER_ENTRY = 6
IMAGE_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}
# A phone photo is 12–50 megapixels; a small file that claims far more is a decompression bomb.
MAX_PHOTO_PIXELS = 80_000_000
EXIF_IFD = 0x8769
EXIF_DATETIME_ORIGINAL = 36867
EXIF_DATETIME = 306


def evidence_collection():
    """The private collection of evidence photos: only managers see it in the admin."""
    collection = Collection.objects.filter(name=EVIDENCE_COLLECTION).first()
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=EVIDENCE_COLLECTION)
    make_private(collection)
    return collection


def make_private(collection):
    """A privacy restriction to the managers' group: Wagtail's own mark of a private collection."""
    if collection.view_restrictions.exists():
        return
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.set(Group.objects.filter(name=roles.MANAGER))


def check_photo(upload):
    """Refuse a file that is over the size limit or is not a JPEG/PNG/GIF/WebP image."""
    limit = settings.MAX_UPLOAD_SIZE
    if upload.size > limit:
        raise Refused(
            _("“%(name)s” is larger than %(limit)d MB.")
            % {"name": upload.name, "limit": limit // (1024 * 1024)},
            field="photos",
        )
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(upload) as image:
                image_format = image.format
                width, height = image.size
                image.verify()
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as error:
        raise _too_many_pixels(upload) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise _not_an_image(upload) from error
    finally:
        upload.seek(0)
    if width * height > MAX_PHOTO_PIXELS:
        raise _too_many_pixels(upload)
    if image_format not in IMAGE_FORMATS:
        raise _not_an_image(upload)
    return image_format


def _not_an_image(upload):
    return Refused(
        _("“%(name)s” is not an image (JPEG, PNG, GIF or WebP).") % {"name": upload.name},
        field="photos",
    )


def _too_many_pixels(upload):
    return Refused(
        _("“%(name)s” has too many pixels (at most %(n)d megapixels).")
        % {"name": upload.name, "n": MAX_PHOTO_PIXELS // 1_000_000},
        field="photos",
    )


def check_photo_count(new, kept=0):
    """Refuse more than MAX_PHOTOS_PER_ENTRY photos on an entry (``kept``: those it has)."""
    if len(new) + kept > MAX_PHOTOS_PER_ENTRY:
        raise Refused(
            _("At most %(n)d photos per entry.") % {"n": MAX_PHOTOS_PER_ENTRY}, field="photos"
        )


def capture_time(upload):
    """When the photo was taken, from its EXIF data (local time), or None."""
    try:
        upload.seek(0)
        with PILImage.open(upload) as image:
            exif = image.getexif()
            raw = exif.get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL) or exif.get(EXIF_DATETIME)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        PILImage.DecompressionBombError,
    ):
        return None
    finally:
        upload.seek(0)
    if not raw:
        return None
    try:
        naive = datetime.datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return timezone.make_aware(naive, timezone.get_default_timezone())


def store_photo(entry, upload, image_format, collection, user):
    """Save a checked upload (``image_format``: what ``check_photo`` found) as evidence."""
    taken_at = capture_time(upload)
    # A random file name: evidence is never reachable by guessing a path.
    name = uuid.uuid4().hex + IMAGE_FORMATS[image_format]
    image = get_image_model()(
        title=f"{entry.pairing.apprentice_name} {entry.date:%Y-%m-%d}",
        file=ImageFile(upload, name=name),
        collection=collection,
        uploaded_by_user=user,
    )
    image.save()
    return EvidencePhoto(entry=entry, image=image, taken_at=taken_at)
