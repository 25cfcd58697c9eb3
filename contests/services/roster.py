"""Changes to an event's entrants after registration: editing, withdrawing, deleting, and the
competition order and stations. Each change is written to Wagtail's audit log with what it
was before and after (and the reason, for a withdrawal or a deletion)."""

import secrets

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from core.refusals import Refused

from ..models import Entrant

EDIT = "contests.edit_entrant"
STATUS = "contests.entrant_status"
WITHDRAW = "contests.withdraw_entrant"
DELETE = "contests.delete_entrant"
ORDER = "contests.assign_order"
ACTIONS = (EDIT, STATUS, WITHDRAW, DELETE, ORDER)

# The fields an organizer edits, in the order their changes are told.
EDITABLE = ("name", "unit", "phone", "station", "order")
BY_BIB, AT_RANDOM = "bib", "random"


def _shown(value):
    return "" if value is None else str(value)


def _entry(entrant, **data):
    return {"event": entrant.event_id, "bib": entrant.bib, "name": entrant.name, **data}


def edit_entrant(entrant, before, user):
    """Save ``entrant`` (already changed from the values in ``before``) and log each field
    that changed, old → new. Returns the list of changes (empty: nothing was saved)."""
    changes = [
        {"field": name, "old": _shown(before[name]), "new": _shown(getattr(entrant, name))}
        for name in EDITABLE
        if before[name] != getattr(entrant, name)
    ]
    if changes:
        with transaction.atomic():
            entrant.save(update_fields=[c["field"] for c in changes])
            log(entrant, EDIT, user=user, data=_entry(entrant, changes=changes))
    return changes


def change_status(entrant, status, user):
    old = entrant.status
    if old == status:
        return False
    with transaction.atomic():
        entrant.status = status
        entrant.save(update_fields=["status"])
        log(entrant, STATUS, user=user, data=_entry(entrant, old=old, new=status))
    return True


def withdraw_entrant(entrant, reason, user):
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Give a reason for the withdrawal."), field="reason")
    if entrant.status == Entrant.Status.WITHDRAWN:
        raise Refused(_("%(name)s has already withdrawn.") % {"name": entrant.name})
    old = entrant.status
    with transaction.atomic():
        entrant.status = Entrant.Status.WITHDRAWN
        entrant.save(update_fields=["status"])
        log(
            entrant,
            WITHDRAW,
            user=user,
            data=_entry(entrant, old=old, new=entrant.status, reason=reason[:300]),
        )


def delete_entrant(entrant, reason, user):
    """Delete an entrant nobody has scored yet; one with scores is refused (withdraw them)."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Give a reason for deleting the entrant."), field="reason")
    with transaction.atomic():
        if entrant.scores.exists():
            raise Refused(
                _("%(name)s already has scores and cannot be deleted: withdraw them instead.")
                % {"name": entrant.name}
            )
        data = _entry(entrant, unit=entrant.unit, reason=reason[:300])
        log(entrant, DELETE, user=user, data=data)
        entrant.delete()


def assign_order(event, method, user, stations=False):
    """Number the event's competing entrants 1…N in bib order or at random (and give them
    the same station numbers when ``stations``); one update whatever their number."""
    entrants = list(event.entrants.active().order_by("bib"))
    if method == AT_RANDOM:
        secrets.SystemRandom().shuffle(entrants)
    elif method != BY_BIB:
        raise Refused(_("Choose bib order or a random draw."))
    fields = ["order", "station"] if stations else ["order"]
    for position, entrant in enumerate(entrants, start=1):
        entrant.order = position
        if stations:
            entrant.station = str(position)
    with transaction.atomic():
        Entrant.objects.bulk_update(entrants, fields, batch_size=500)
        log(
            event,
            ORDER,
            user=user,
            data={"method": method, "stations": stations, "count": len(entrants)},
        )
    return len(entrants)


def entrant_history(entrant):
    """The audit log of one entrant, newest first."""
    return ModelLogEntry.objects.for_instance(entrant).select_related("user").order_by("-timestamp")


def event_entrant_history(event):
    """Every logged change to the event's entrants (deleted ones too), newest first."""
    return (
        ModelLogEntry.objects.filter(action__in=ACTIONS[:-1], data__event=event.pk)
        .select_related("user")
        .order_by("-timestamp", "-id")
    )


def _field_label(name):
    return str(Entrant._meta.get_field(name).verbose_name)


def _status_label(value):
    try:
        return str(Entrant.Status(value).label)
    except ValueError:
        return value or "—"


def describe(action, data):
    """What a logged change did, in words: the admin's history and the organizer's both show it."""
    data = data or {}
    if action == EDIT:
        return "; ".join(
            _("%(field)s: %(old)s → %(new)s")
            % {"field": _field_label(c["field"]), "old": c["old"] or "—", "new": c["new"] or "—"}
            for c in data.get("changes", [])
        )
    if action == STATUS:
        return _("Status: %(old)s → %(new)s") % {
            "old": _status_label(data.get("old")),
            "new": _status_label(data.get("new")),
        }
    if action == WITHDRAW:
        return _("Withdrawn (was: %(old)s). Reason: %(reason)s") % {
            "old": _status_label(data.get("old")),
            "reason": data.get("reason", ""),
        }
    if action == DELETE:
        return _("No. %(bib)s %(name)s (%(unit)s) deleted. Reason: %(reason)s") % {
            "bib": data.get("bib", ""),
            "name": data.get("name", ""),
            "unit": data.get("unit", ""),
            "reason": data.get("reason", ""),
        }
    if action == ORDER:
        how = _("in bib order") if data.get("method") == BY_BIB else _("by a random draw")
        if data.get("stations"):
            return _("Competition order and stations given %(how)s to %(n)s entrants") % {
                "how": how,
                "n": data.get("count", 0),
            }
        return _("Competition order given %(how)s to %(n)s entrants") % {
            "how": how,
            "n": data.get("count", 0),
        }
    return ""
