"""Evidence photos: cleaned of location and device data, dated from their EXIF data, kept in
a private collection."""

from django.contrib.auth.models import Group
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction

from core import photos, roles
from core.photos import CleanedPhoto
from core.refusals import Refused

from ..models import EvidencePhoto

EVIDENCE_COLLECTION = "学徒成长证据（不公开）"
MAX_PHOTOS_PER_ENTRY = 6


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


def clean_photo(upload):
    """An upload as it is stored: without location and device data, at most 3000 px.

    Returns a ``core.photos.CleanedPhoto`` (the file and its capture time); a photo cleaned
    already (kept for a refused form) is returned as it is. Refuses files that are too
    large, not images, or have too many pixels (``core.photos``).
    """
    if isinstance(upload, CleanedPhoto):
        return upload
    return photos.clean_photo(upload, name=photos.new_name(), field="photos")


def check_photo_count(new, kept=0):
    """Refuse more than MAX_PHOTOS_PER_ENTRY photos on an entry (``kept``: those it has)."""
    if len(new) + kept > MAX_PHOTOS_PER_ENTRY:
        raise Refused(
            _("At most %(n)d photos per entry.") % {"n": MAX_PHOTOS_PER_ENTRY}, field="photos"
        )


def store_photo(entry, photo, collection, user):
    """Save a cleaned photo (``clean_photo``) as evidence of an entry."""
    image = get_image_model()(
        title=f"{entry.pairing.apprentice_name} {entry.date:%Y-%m-%d}",
        file=photo.file,  # a random file name: evidence is never reachable by guessing a path
        collection=collection,
        uploaded_by_user=user,
    )
    image.save()
    return EvidencePhoto(entry=entry, image=image, taken_at=photo.captured_at)
