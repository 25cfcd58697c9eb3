"""Domain rules of the mentor–apprentice workspace: logging, confirming, completing, flagging.

Views call these functions; each one checks its rules, raises ``ValidationError`` with a
message a user can read, and saves everything or nothing.
"""

import datetime
import uuid
import warnings
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.images import ImageFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.db.models.functions import TruncMonth
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Collection, CollectionViewRestriction

from core import roles
from core.certificates import issue_certificate
from core.models import Certificate

from .models import EntryCompetency, EvidencePhoto, LogEntry, Pairing, SkillTag

EVIDENCE_COLLECTION = "学徒成长证据（不公开）"
MAX_PHOTOS_PER_ENTRY = 6
MAX_SKILLS_PER_ENTRY = 10
IMAGE_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}
# A phone photo is 12–50 megapixels; a small file that claims far more is a decompression bomb.
MAX_PHOTO_PIXELS = 80_000_000
EXIF_IFD = 0x8769
EXIF_DATETIME_ORIGINAL = 36867
EXIF_DATETIME = 306


# --- scope ---------------------------------------------------------------------------------


def is_mentor_of(user, pairing):
    return user.is_authenticated and pairing.mentor_id == user.pk


def is_apprentice_of(user, pairing):
    return user.is_authenticated and pairing.apprentice_id == user.pk


def entries_for_user(user):
    return LogEntry.objects.filter(pairing__in=Pairing.objects.for_user(user))


# --- evidence photos -----------------------------------------------------------------------


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
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)d MB.")
            % {"name": upload.name, "limit": limit // (1024 * 1024)},
            code="too_large",
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
        raise ValidationError(
            _("“%(name)s” is not an image (JPEG, PNG, GIF or WebP).") % {"name": upload.name},
            code="not_image",
        ) from error
    finally:
        upload.seek(0)
    if width * height > MAX_PHOTO_PIXELS:
        raise _too_many_pixels(upload)
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(
            _("“%(name)s” is not an image (JPEG, PNG, GIF or WebP).") % {"name": upload.name},
            code="not_image",
        )
    return image_format


def _too_many_pixels(upload):
    return ValidationError(
        _("“%(name)s” has too many pixels (at most %(n)d megapixels).")
        % {"name": upload.name, "n": MAX_PHOTO_PIXELS // 1_000_000},
        code="too_many_pixels",
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


def _store_photo(entry, upload, collection, user):
    image_format = check_photo(upload)
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


# --- the logbook ---------------------------------------------------------------------------


def check_entry_rules(pairing, date, hours, entry=None):
    """The rules a logbook entry must keep, as a dict of field errors (empty when fine)."""
    errors = {}
    if entry is not None and entry.is_confirmed:
        errors["__all__"] = [_("This entry is confirmed and locked; it cannot be changed.")]
    if not pairing.accepts_entries:
        errors["__all__"] = [
            _("This pairing is %(status)s: no more entries can be logged.")
            % {"status": pairing.get_status_display().lower()}
        ]
    if hours is not None and (hours <= 0 or hours > 24):
        errors["hours"] = [_("Hours must be more than 0 and at most 24.")]
    if date is not None:
        if date > timezone.localdate():
            errors["date"] = [_("The date cannot be in the future.")]
        elif date < pairing.start:
            errors["date"] = [
                _("The date cannot be before the pairing started (%(start)s).")
                % {"start": pairing.start.isoformat()}
            ]
    return errors


@transaction.atomic
def save_entry(pairing, user, *, date, hours, skills, ratings, notes, photos=(), entry=None):
    """Create or change an entry with its ratings and photos, all or nothing.

    ``ratings`` maps a Competency to a rating (1–3), or to None to clear that competency's
    rating; competencies left out keep the rating they have. ``photos`` are new uploads,
    added to the entry's photos (a photo is removed with ``remove_photo``).
    """
    if not is_mentor_of(user, pairing):
        raise PermissionDenied
    # Lock the pairing row so that a status change cannot slip in between check and save.
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if entry is not None:
        entry = LogEntry.objects.select_for_update().get(pk=entry.pk, pairing=pairing)
    errors = check_entry_rules(pairing, date, hours, entry)
    if len(photos) + (entry.photos.count() if entry else 0) > MAX_PHOTOS_PER_ENTRY:
        errors["photos"] = [_("At most %(n)d photos per entry.") % {"n": MAX_PHOTOS_PER_ENTRY}]
    allowed = set(pairing.competencies.values_list("pk", flat=True))
    if any(competency.pk not in allowed for competency in ratings):
        errors["__all__"] = [_("A competency that is not part of this pairing was rated.")]
    photo_errors = []
    for upload in photos:
        try:
            check_photo(upload)
        except ValidationError as error:
            photo_errors.extend(error.messages)
    if photo_errors:
        errors.setdefault("photos", []).extend(photo_errors)
    if errors:
        raise ValidationError(errors)

    created = entry is None
    if created:
        entry = LogEntry(pairing=pairing, created_by=user)
    entry.date, entry.hours, entry.notes = date, hours, notes
    entry.save()
    _set_skills(entry, skills, created)
    _set_ratings(entry, ratings, created)
    if photos:
        collection = evidence_collection()
        EvidencePhoto.objects.bulk_create(
            _store_photo(entry, upload, collection, user) for upload in photos
        )
    if pairing.stale_flagged_on:
        Pairing.objects.filter(pk=pairing.pk).update(stale_flagged_on=None)
    log(entry, "wagtail.create" if created else "wagtail.edit", user=user)
    return entry


def _set_ratings(entry, ratings, created):
    """Add, change or clear the ratings given; keep the others (bounded: four queries)."""
    current = {} if created else {rating.competency_id: rating for rating in entry.ratings.all()}
    to_create, to_update, to_clear = [], [], []
    for competency, value in ratings.items():
        existing = current.get(competency.pk)
        if value is None:
            if existing is not None:
                to_clear.append(existing.pk)
        elif existing is None:
            to_create.append(EntryCompetency(entry=entry, competency=competency, rating=value))
        elif existing.rating != value:
            existing.rating = value
            to_update.append(existing)
    if to_clear:
        EntryCompetency.objects.filter(pk__in=to_clear).delete()
    if to_update:
        EntryCompetency.objects.bulk_update(to_update, ["rating"])
    if to_create:
        EntryCompetency.objects.bulk_create(to_create)


def _set_skills(entry, names, created):
    """Tag the entry in bulk: one query for known skills, one insert for the links."""
    names = sorted({name.strip()[:100] for name in names if name.strip()})
    if not created:
        SkillTag.objects.filter(content_object=entry).delete()
    if not names:
        return
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    for name in names:
        if name not in tags:  # a new skill: rare, and at most MAX_SKILLS_PER_ENTRY of them
            tags[name] = Tag.objects.create(name=name)
    SkillTag.objects.bulk_create(SkillTag(content_object=entry, tag=tags[name]) for name in names)


def check_entry_open(entry, pairing=None):
    """Why the mentor may not change this entry or its photos any more, or None."""
    pairing = pairing or entry.pairing
    if entry.is_confirmed:
        return _("This entry is confirmed and locked; it cannot be changed.")
    if not pairing.accepts_entries:
        return _("This pairing is %(status)s: its logbook cannot be changed.") % {
            "status": pairing.get_status_display().lower()
        }
    return None


@transaction.atomic
def remove_photo(photo, user):
    """The mentor removes one evidence photo of an entry that is not confirmed yet."""
    # Lock the entry first, as confirming does, so a confirmation cannot slip in between.
    entry = LogEntry.objects.select_for_update().get(pk=photo.entry_id)
    photo = EvidencePhoto.objects.select_related("image").get(pk=photo.pk, entry=entry)
    pairing = Pairing.objects.get(pk=entry.pairing_id)
    if not is_mentor_of(user, pairing):
        raise PermissionDenied
    refusal = check_entry_open(entry, pairing)
    if refusal:
        raise ValidationError(refusal)
    image = photo.image
    log(entry, "academy.remove_photo", user=user, data={"photo": photo.pk})
    photo.delete()
    image.delete()  # Wagtail removes the file and its renditions once the transaction commits
    return entry


@transaction.atomic
def confirm_entry(entry, user, reflection):
    """The apprentice adds a reflection and confirms the entry, which locks it."""
    entry = LogEntry.objects.select_for_update().select_related("pairing").get(pk=entry.pk)
    if not is_apprentice_of(user, entry.pairing):
        raise PermissionDenied
    if entry.is_confirmed:
        raise ValidationError(_("This entry is already confirmed."))
    entry.reflection = reflection
    entry.confirmed_at = timezone.now()
    entry.confirmed_by = user
    entry.save(update_fields=["reflection", "confirmed_at", "confirmed_by", "updated_at"])
    log(entry, "academy.confirm_entry", user=user)
    return entry


@transaction.atomic
def unlock_entry(entry, user, reason):
    """A manager unlocks a confirmed entry so that it can be corrected; the audit log keeps it."""
    if not roles.is_manager(user):
        raise PermissionDenied
    entry = LogEntry.objects.select_for_update().get(pk=entry.pk)
    if not entry.is_confirmed:
        raise ValidationError(_("This entry is not confirmed, so it is not locked."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for unlocking.")]})
    entry.confirmed_at = None
    entry.confirmed_by = None
    entry.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
    log(entry, "academy.unlock_entry", user=user, data={"reason": reason[:300]})
    return entry


@transaction.atomic
def delete_entry(entry, user):
    """The mentor deletes an entry that is not confirmed, with its photos' images."""
    entry = LogEntry.objects.select_for_update().select_related("pairing").get(pk=entry.pk)
    if not is_mentor_of(user, entry.pairing):
        raise PermissionDenied
    refusal = check_entry_open(entry)
    if refusal:
        raise ValidationError(refusal)
    image_ids = list(entry.photos.values_list("image_id", flat=True))
    log(entry, "wagtail.delete", user=user)
    entry.delete()
    if image_ids:
        get_image_model().objects.filter(pk__in=image_ids).delete()


# --- pairings ------------------------------------------------------------------------------


@transaction.atomic
def create_pairing(*, competencies=(), **fields):
    """Create a pairing after its rules: not with oneself, one open pairing per trade."""
    pairing = Pairing(**fields)
    pairing.full_clean()
    pairing.save()
    pairing.competencies.set(competencies)
    return pairing


@transaction.atomic
def change_status(pairing, user, status, reason=""):
    """Put a pairing on break (with a reason), back to active, or withdraw it (manager)."""
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    manager = roles.is_manager(user)
    if not (manager or is_mentor_of(user, pairing)):
        raise PermissionDenied
    allowed = {Pairing.Status.ACTIVE, Pairing.Status.ON_BREAK}
    if manager:
        allowed.add(Pairing.Status.WITHDRAWN)
    if status not in allowed:
        raise ValidationError({"status": [_("You cannot set this status.")]})
    if not pairing.is_open:
        raise ValidationError(_("A completed or withdrawn pairing cannot change status."))
    reason = (reason or "").strip()
    if status == Pairing.Status.ON_BREAK and not reason:
        raise ValidationError({"reason": [_("Give the reason for the break.")]})
    if status == Pairing.Status.ACTIVE:
        clash = (
            Pairing.objects.open()
            .filter(
                mentor_id=pairing.mentor_id,
                apprentice_id=pairing.apprentice_id,
                trade_id=pairing.trade_id,
            )
            .exclude(pk=pairing.pk)
        )
        if clash.exists():
            raise ValidationError(
                _("These two people already have an active pairing in this trade.")
            )
    pairing.status = status
    pairing.break_reason = reason if status != Pairing.Status.ACTIVE else ""
    pairing.save(update_fields=["status", "break_reason"])
    log(pairing, "wagtail.edit", user=user, data={"status": status, "reason": reason[:300]})
    return pairing


def pairing_with_totals(pk):
    return (
        Pairing.objects.with_totals()
        .select_related("mentor", "apprentice", "trade", "studio", "certificate")
        .get(pk=pk)
    )


@transaction.atomic
def complete_pairing(pairing, user):
    """The manager completes a pairing whose targets are met; its certificate is issued."""
    if not roles.is_manager(user):
        raise PermissionDenied
    Pairing.objects.select_for_update().filter(pk=pairing.pk).first()
    pairing = pairing_with_totals(pairing.pk)
    if pairing.status == Pairing.Status.COMPLETED:
        raise ValidationError(_("This pairing is already completed."))
    if pairing.status == Pairing.Status.WITHDRAWN:
        raise ValidationError(_("A withdrawn pairing cannot be completed."))
    if not pairing.targets_met:
        raise ValidationError(
            _(
                "Targets not met yet: %(hours)s of %(target)s hours, "
                "%(reached)d of %(total)d competencies reached."
            )
            % {
                "hours": pairing.hours_logged,
                "target": pairing.target_hours,
                "reached": pairing.competencies_reached,
                "total": pairing.competencies_total,
            }
        )
    pairing.status = Pairing.Status.COMPLETED
    pairing.completed_on = timezone.localdate()
    pairing.certificate = issue_pairing_certificate(pairing)
    pairing.save(update_fields=["status", "completed_on", "certificate"])
    log(pairing, "academy.complete_pairing", user=user)
    return pairing


def issue_pairing_certificate(pairing, issued_on=None):
    """The apprenticeship certificate, in Chinese, rendered by a Celery task."""
    with translation.override("zh-hans"):
        details = "\n".join(
            [
                _("Mentor: %(name)s") % {"name": pairing.mentor_name},
                _("Trade: %(trade)s · %(hours)s hours of logged training")
                % {"trade": pairing.trade.name, "hours": pairing.hours_logged},
                _("Target level: %(level)s") % {"level": pairing.get_target_level_display()},
                _("%(start)s to %(end)s")
                % {
                    "start": pairing.start.isoformat(),
                    "end": (issued_on or timezone.localdate()).isoformat(),
                },
            ]
        )
        return issue_certificate(
            source=pairing,
            kind=Certificate.Kind.APPRENTICESHIP,
            recipient_name=pairing.apprentice_name,
            title=_("Apprenticeship completed: %(trade)s") % {"trade": pairing.trade.name},
            details=details,
            issued_on=issued_on,
        )


# --- progress ------------------------------------------------------------------------------


def competency_map(pairing):
    """Each competency of the pairing with its best rating: reached, in progress, not started."""
    competencies = pairing.competencies.annotate(
        best=Max("entry_ratings__rating", filter=_ratings_of(pairing))
    ).order_by("sort_order", "pk")
    groups = {"reached": [], "in_progress": [], "not_started": []}
    for competency in competencies:
        if competency.best == EntryCompetency.Rating.REACHED:
            groups["reached"].append(competency)
        elif competency.best:
            groups["in_progress"].append(competency)
        else:
            groups["not_started"].append(competency)
    return groups


def _ratings_of(pairing):
    from django.db.models import Q

    return Q(entry_ratings__entry__pairing=pairing)


def _months(start, end):
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def hours_series(pairing):
    """Hours per month and the running total, from the start to now (aggregated in the DB)."""
    monthly = dict(
        pairing.entries.annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(hours=Sum("hours"))
        .values_list("month", "hours")
    )
    monthly = {
        (month.date() if isinstance(month, datetime.datetime) else month): hours
        for month, hours in monthly.items()
    }
    end = min(timezone.localdate(), max(pairing.planned_end, pairing.start))
    if monthly:
        end = max(end, max(monthly))
    labels, per_month, cumulative, total = [], [], [], Decimal("0")
    for month in _months(pairing.start, end):
        hours = monthly.get(month, Decimal("0"))
        total += hours
        labels.append(month.strftime("%Y-%m"))
        per_month.append(float(hours))
        cumulative.append(float(total))
    return {
        "labels": labels,
        "monthly": per_month,
        "cumulative": cumulative,
        "target": float(pairing.target_hours),
    }


def skills_series(pairing, limit=12):
    """How many sessions practised each skill (the most frequent first)."""
    rows = (
        SkillTag.objects.filter(content_object__pairing=pairing)
        .values("tag__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "tag__name")[:limit]
    )
    return {"labels": [row["tag__name"] for row in rows], "counts": [row["n"] for row in rows]}


# --- stale pairings ------------------------------------------------------------------------


def manager_emails():
    User = get_user_model()
    return list(
        User.objects.filter(groups__name=roles.MANAGER, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def flag_stale_pairings(today=None):
    """Flag active pairings with no entry for 30 days and email their mentor and the managers.

    A pairing is emailed once when it becomes stale; a new entry clears the flag.
    """
    today = today or timezone.localdate()
    stale = list(
        Pairing.objects.stale(today)
        .filter(stale_flagged_on__isnull=True)
        .select_related("mentor", "apprentice", "trade")
    )
    if not stale:
        return 0
    managers = manager_emails()
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    with translation.override("zh-hans"):
        for pairing in stale:
            recipients = [email for email in [pairing.mentor.email, *managers] if email]
            if not recipients:
                continue
            context = {
                "pairing": pairing,
                "last_entry_on": pairing.latest_entry_on,
                "url": base + pairing.get_absolute_url(),
            }
            send_mail(
                subject=_("No logbook entry for 30 days: %(pairing)s") % {"pairing": pairing},
                message=render_to_string("academy/email/stale_pairing.txt", context),
                from_email=None,
                recipient_list=sorted(set(recipients)),
            )
    Pairing.objects.filter(pk__in=[pairing.pk for pairing in stale]).update(stale_flagged_on=today)
    return len(stale)
