"""The logbook: the mentor logs, changes and deletes entries; the apprentice confirms them."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from core import roles
from core.refusals import Refused

from ..models import EntryCompetency, EvidencePhoto, LogEntry, Pairing, SkillTag
from . import notices
from .access import is_apprentice_of, is_mentor_of
from .photos import check_photo_count, clean_photo, evidence_collection, store_photo

MAX_SKILLS_PER_ENTRY = 10


def check_entry_rules(pairing, date, hours, entry=None):
    """The rules a logbook entry must keep, as a dict of field errors (empty when fine)."""
    errors = {}
    if entry is not None and entry.is_confirmed:
        errors["__all__"] = [_("This entry is confirmed and locked; it cannot be changed.")]
    if not pairing.is_open:
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
def save_entry(
    pairing, user, *, date, hours, skills, ratings, notes, photos=(), entry=None, evidence=None
):
    """Create or change an entry with its ratings and photos, all or nothing.

    ``ratings`` maps a Competency to a rating (1–3), or to None to clear that competency's
    rating; competencies left out keep the rating they have. ``photos`` are new uploads (or
    photos cleaned already, ``clean_photo``), added to the entry's photos without location
    or device data (a photo is removed with ``remove_photo``).
    """
    if not is_mentor_of(user, pairing):
        raise PermissionDenied
    # Lock the pairing row so that a status change cannot slip in between check and save.
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if entry is not None:
        entry = LogEntry.objects.select_for_update().get(pk=entry.pk, pairing=pairing)
    errors = check_entry_rules(pairing, date, hours, entry)
    if errors:
        field, messages = next(iter(errors.items()))
        raise Refused(messages[0], field=None if field == "__all__" else field)
    check_photo_count(photos, entry.photos.count() if entry else 0)
    allowed = set(pairing.competencies.values_list("pk", flat=True))
    if any(competency.pk not in allowed for competency in ratings):
        raise Refused(_("A competency that is not part of this pairing was rated."))
    citations = _check_citations(pairing, entry, evidence or {})
    # Every photo is checked and cleaned before anything is written.
    cleaned = [clean_photo(upload) for upload in photos]

    created = entry is None
    if created:
        entry = LogEntry(pairing=pairing, created_by=user)
    answered = entry.is_queried
    before = None if created else _snapshot(entry)
    entry.date, entry.hours, entry.notes = date, hours, notes
    entry.queried_at = None
    entry.save()
    _set_skills(entry, skills, created)
    _set_ratings(entry, ratings, created)
    for competency, (photo_id, item_id) in citations.items():
        EntryCompetency.objects.filter(entry=entry, competency=competency).update(
            evidence_photo_id=photo_id, evidence_item_id=item_id
        )
    if cleaned:
        collection = evidence_collection()
        EvidencePhoto.objects.bulk_create(
            store_photo(entry, photo, collection, user) for photo in cleaned
        )
    if pairing.stale_flagged_on:
        Pairing.objects.filter(pk=pairing.pk).update(stale_flagged_on=None)
    if created:
        log(entry, "wagtail.create", user=user)
    else:
        changes = _changes(before, _snapshot(entry))
        if changes or cleaned:
            log(entry, "wagtail.edit", user=user, data={"changes": changes})
    if answered:
        log(entry, "academy.answer_query", user=user, data={"query": entry.query_note})
    if created or answered:
        notices.notify(notices.LOGGED, entry)
    return entry


def _check_citations(pairing, entry, evidence):
    """The evidence each rating cites, as (photo id, item id); only this entry's photos and
    this pairing's evidence can be cited."""
    photos = set(entry.photos.values_list("pk", flat=True)) if entry is not None else set()
    items = set(pairing.portfolio.values_list("pk", flat=True)) if evidence else set()
    citations = {}
    for competency, cited in evidence.items():
        if cited is None:
            citations[competency] = (None, None)
        elif cited[0] == "photo" and cited[1] in photos:
            citations[competency] = (cited[1], None)
        elif cited[0] == "item" and cited[1] in items:
            citations[competency] = (None, cited[1])
        else:
            raise Refused(_("A rating cites evidence that is not part of this logbook."))
    return citations


def _snapshot(entry):
    return {
        "date": entry.date.isoformat() if entry.date else "",
        "hours": f"{Decimal(entry.hours):.1f}" if entry.hours is not None else "",
        "notes": entry.notes,
        "skills": "、".join(sorted(entry.skills.names())) if entry.pk else "",
        "ratings": "、".join(
            f"{rating.competency.name}：{rating.get_rating_display()}"
            for rating in entry.ratings.select_related("competency").order_by("competency__name")
        )
        if entry.pk
        else "",
    }


FIELD_LABELS = {
    "date": _lazy("Date"),
    "hours": _lazy("Hours"),
    "notes": _lazy("Notes"),
    "skills": _lazy("Skills practised"),
    "ratings": _lazy("Competency ratings"),
}


def _changes(before, after):
    """What an edit changed, field by field (old → new), for the entry's history."""
    return [
        {"field": field, "old": before[field], "new": after[field]}
        for field in FIELD_LABELS
        if before[field] != after[field]
    ]


HISTORY_ACTIONS = {
    "wagtail.create",
    "wagtail.edit",
    "academy.confirm_entry",
    "academy.unlock_entry",
    "academy.query_entry",
    "academy.answer_query",
    "academy.remove_photo",
}


def entry_history(entry):
    """The entry's history as the entry page shows it: who did what, when, and why."""
    rows = []
    for record in (
        ModelLogEntry.objects.for_instance(entry)
        .filter(action__in=HISTORY_ACTIONS)
        .select_related("user")
        .order_by("timestamp", "pk")
    ):
        data = record.data or {}
        rows.append(
            {
                "timestamp": record.timestamp,
                "user": record.user_display_name,
                "label": record.message,
                "reason": data.get("reason") or data.get("note") or "",
                "changes": [
                    {**change, "label": FIELD_LABELS.get(change["field"], change["field"])}
                    for change in data.get("changes", [])
                ],
            }
        )
    return rows


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


def skill_suggestions(pairing, limit=24):
    """Skills to offer while typing: the trade framework's competencies first, then the skills
    most often logged in this trade's pairings (two queries)."""
    names = list(
        pairing.trade.competencies.order_by("sort_order", "pk").values_list("name", flat=True)
    )
    used = (
        Tag.objects.filter(academy_skilltag_items__content_object__pairing__trade=pairing.trade)
        .annotate(uses=Count("academy_skilltag_items"))
        .order_by("-uses", "name")
        .values_list("name", flat=True)[:limit]
    )
    names.extend(used)
    return list(dict.fromkeys(names))[:limit]


def ensure_pairing_open(pairing):
    """Refuse to log an entry on a completed or withdrawn pairing."""
    if not pairing.is_open:
        raise Refused(
            _("This pairing is %(status)s: no more entries can be logged.")
            % {"status": pairing.get_status_display().lower()}
        )


def ensure_entry_open(entry, pairing=None):
    """Refuse to change an entry, or its photos, that the mentor may not change any more."""
    refusal = check_entry_open(entry, pairing)
    if refusal:
        raise Refused(refusal)


def check_entry_open(entry, pairing=None):
    """Why the mentor may not change this entry or its photos any more, or None."""
    pairing = pairing or entry.pairing
    if entry.is_confirmed:
        return _("This entry is confirmed and locked; it cannot be changed.")
    if not pairing.is_open:
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
    ensure_entry_open(entry, pairing)
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
        raise Refused(_("This entry is already confirmed."))
    entry.reflection = reflection
    entry.confirmed_at = timezone.now()
    entry.confirmed_by = user
    entry.queried_at = None
    entry.save(
        update_fields=["reflection", "confirmed_at", "confirmed_by", "queried_at", "updated_at"]
    )
    log(entry, "academy.confirm_entry", user=user)
    notices.notify(notices.CONFIRMED, entry)
    return entry


MAX_QUERY_LENGTH = 1000


@transaction.atomic
def query_entry(entry, user, note):
    """The apprentice returns an entry to the mentor with a note (wrong hours, wrong date)
    instead of confirming it; the mentor's next save of the entry answers the query."""
    entry = LogEntry.objects.select_for_update().select_related("pairing").get(pk=entry.pk)
    if not is_apprentice_of(user, entry.pairing):
        raise PermissionDenied
    if entry.is_confirmed:
        raise Refused(_("This entry is already confirmed."))
    note = (note or "").strip()
    if not note:
        raise Refused(_("Say what is wrong with the entry."), field="note")
    if len(note) > MAX_QUERY_LENGTH:
        raise Refused(_("At most %(n)d characters.") % {"n": MAX_QUERY_LENGTH}, field="note")
    entry.query_note = note
    entry.queried_at = timezone.now()
    entry.save(update_fields=["query_note", "queried_at", "updated_at"])
    log(entry, "academy.query_entry", user=user, data={"note": note})
    notices.notify(notices.QUERIED, entry)
    return entry


@transaction.atomic
def unlock_entry(entry, user, reason):
    """A manager unlocks a confirmed entry so that it can be corrected; the audit log keeps it."""
    if not roles.is_manager(user):
        raise PermissionDenied
    entry = LogEntry.objects.select_for_update().get(pk=entry.pk)
    if not entry.is_confirmed:
        raise Refused(_("This entry is not confirmed, so it is not locked."))
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Give the reason for unlocking."), field="reason")
    entry.confirmed_at = None
    entry.confirmed_by = None
    entry.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
    log(entry, "academy.unlock_entry", user=user, data={"reason": reason[:300]})
    notices.notify(notices.UNLOCKED, entry, reason[:300])
    return entry


@transaction.atomic
def delete_entry(entry, user):
    """The mentor deletes an entry that is not confirmed, with its photos' images."""
    entry = LogEntry.objects.select_for_update().select_related("pairing").get(pk=entry.pk)
    if not is_mentor_of(user, entry.pairing):
        raise PermissionDenied
    ensure_entry_open(entry)
    image_ids = list(entry.photos.values_list("image_id", flat=True))
    log(entry, "wagtail.delete", user=user)
    entry.delete()
    if image_ids:
        get_image_model().objects.filter(pk__in=image_ids).delete()
