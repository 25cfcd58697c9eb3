"""The apprentice's evidence and reflections, and the progress reviews both sides sign."""

import secrets
from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.log_actions import log

from core.refusals import Refused

from ..models import PortfolioItem, ProgressReview
from .access import is_apprentice_of, is_mentor_of
from .logbook import ensure_pairing_open
from .photos import clean_photo, evidence_collection

MB = 1024 * 1024
MAX_ITEMS_PER_PAIRING = 300
# What each kind of file may be: extensions, the bytes it starts with, the largest size.
FILE_RULES = {
    PortfolioItem.Kind.VIDEO: {
        "extensions": {".mp4", ".mov", ".m4v", ".webm"},
        "limit": 50 * MB,
    },
    PortfolioItem.Kind.DOCUMENT: {
        "extensions": {".pdf", ".docx", ".xlsx", ".pptx"},
        "limit": 10 * MB,
    },
}


def _looks_like(kind, extension, head):
    if kind == PortfolioItem.Kind.VIDEO:
        if extension == ".webm":
            return head.startswith(b"\x1a\x45\xdf\xa3")
        return head[4:8] == b"ftyp"
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    return head.startswith(b"PK\x03\x04")  # the Office formats are zip files


def check_file(kind, upload):
    """Refuse a video or document of the wrong type or over its size limit."""
    rules = FILE_RULES[kind]
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    if extension not in rules["extensions"]:
        raise Refused(
            _("“%(name)s” is not one of %(types)s.")
            % {"name": name, "types": "、".join(sorted(rules["extensions"]))},
            field="file",
        )
    if upload.size > rules["limit"]:
        raise Refused(
            _("“%(name)s” is larger than %(limit)d MB.")
            % {"name": name, "limit": rules["limit"] // MB},
            field="file",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not _looks_like(kind, extension, head):
        raise Refused(
            _("“%(name)s” is not a real %(kind)s file.")
            % {"name": name, "kind": PortfolioItem.Kind(kind).label},
            field="file",
        )
    return name, extension


@transaction.atomic
def add_item(pairing, user, *, kind, title, date, text="", entry=None, upload=None):
    """The apprentice adds evidence (a photo, video or document) or a reflection."""
    if not is_apprentice_of(user, pairing):
        raise PermissionDenied
    ensure_pairing_open(pairing)
    if pairing.portfolio.count() >= MAX_ITEMS_PER_PAIRING:
        raise Refused(_("At most %(n)d items per portfolio.") % {"n": MAX_ITEMS_PER_PAIRING})
    if date > timezone.localdate():
        raise Refused(_("The date cannot be in the future."), field="date")
    if date < pairing.start:
        raise Refused(
            _("The date cannot be before the pairing started (%(start)s).")
            % {"start": pairing.start.isoformat()},
            field="date",
        )
    if entry is not None and entry.pairing_id != pairing.pk:
        raise Refused(_("That session is not in this logbook."), field="entry")
    item = PortfolioItem(
        pairing=pairing, entry=entry, kind=kind, title=title, date=date, text=text, added_by=user
    )
    if kind == PortfolioItem.Kind.REFLECTION:
        if not text.strip():
            raise Refused(_("Write your reflection."), field="text")
    elif upload is None:
        raise Refused(_("Choose the file to add."), field="file")
    elif kind == PortfolioItem.Kind.PHOTO:
        photo = clean_photo(upload)
        image = get_image_model()(
            title=f"{pairing.apprentice_name} {date:%Y-%m-%d}",
            file=photo.file,
            collection=evidence_collection(),
            uploaded_by_user=user,
        )
        image.save()
        item.image = image
    else:
        name, extension = check_file(kind, upload)
        item.file_name = name[:200]
        item.file.save(
            secrets.token_urlsafe(16) + extension, ContentFile(upload.read()), save=False
        )
    item.save()
    log(pairing, "academy.add_evidence", user=user, data={"item": item.pk, "title": title})
    return item


@transaction.atomic
def remove_item(item, user):
    """The apprentice removes an item of their own, with its file."""
    if not is_apprentice_of(user, item.pairing):
        raise PermissionDenied
    image, stored = item.image, item.file
    log(item.pairing, "academy.remove_evidence", user=user, data={"title": item.title})
    item.delete()
    if image is not None:
        image.delete()
    if stored:
        transaction.on_commit(lambda: stored.storage.delete(stored.name))


def _side(user, pairing):
    if is_mentor_of(user, pairing):
        return "mentor"
    if is_apprentice_of(user, pairing):
        return "apprentice"
    raise PermissionDenied


@transaction.atomic
def record_review(pairing, user, *, date, summary, targets, next_review=None):
    """Mentor or apprentice records a review; it is signed by whoever records it."""
    side = _side(user, pairing)
    if date > timezone.localdate():
        raise Refused(_("The date cannot be in the future."), field="date")
    if next_review is not None and next_review <= date:
        raise Refused(_("The next review comes after this one."), field="next_review")
    review = ProgressReview(
        pairing=pairing,
        date=date,
        summary=summary,
        targets=targets,
        next_review=next_review,
        created_by=user,
    )
    setattr(review, f"{side}_signed_at", timezone.now())
    review.save()
    log(pairing, "academy.record_review", user=user, data={"review": review.pk})
    return review


@transaction.atomic
def sign_review(review, user):
    """The other side signs the review; a review signed by both is final."""
    review = ProgressReview.objects.select_for_update().select_related("pairing").get(pk=review.pk)
    side = _side(user, review.pairing)
    if getattr(review, f"{side}_signed_at"):
        raise Refused(_("You have signed this review already."))
    setattr(review, f"{side}_signed_at", timezone.now())
    review.save(update_fields=[f"{side}_signed_at"])
    log(review.pairing, "academy.sign_review", user=user, data={"review": review.pk})
    return review
