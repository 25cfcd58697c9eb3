"""Roll calls: the children of a session, saving their marks, and the roll calls missing."""

import hashlib
import json

from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from core.refusals import Refused

from ..models import Attendance, RollCall, Session

TAKE = "heritage.roll_call.take"
EDIT = "heritage.roll_call.edit"


def roll_call_children(session):
    day = timezone.localdate(session.starts_at)
    return list(session.class_group.children.active_on(day).order_by("display_name", "pk"))


def marks_version(marks):
    """The version of a roll call's saved marks ({child id: (status, reason)}).

    A digest of the marks themselves rather than a timestamp: any change of a mark, from the
    roll call page or from the admin's attendance list, gives another version, and a change
    that was undone gives the same one, since nothing would be lost by saving over it.
    """
    rows = sorted([child_id, status, reason] for child_id, (status, reason) in marks.items())
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:16]


class StaleRollCall(Exception):
    """The marks were taken on a version of the roll call that someone changed since.

    Carries what the server has now, so the person can compare and choose.
    """

    def __init__(self, version, marks, roll_call):
        super().__init__(version)
        self.version = version
        self.marks = marks
        self.roll_call = roll_call


@transaction.atomic
def save_roll_call(session, user, marks, expected_version=None):
    """Save a whole roll call in a bounded number of queries.

    ``marks`` maps a child id to (status, reason). Saving again updates the marks, never
    duplicates them; who recorded it first and who changed it last are kept, and each later
    change is written to Wagtail's log with every child's old and new status and reason.
    Refuses a cancelled session, a future session, a child not in the session's class group
    and a status outside the four.

    Given ``expected_version`` (the ``marks_version`` the marks were taken on), refuses with
    ``StaleRollCall`` and saves nothing when the saved marks are no longer that version.
    """
    if session.is_cancelled:
        raise Refused(_("This session was cancelled: there is no roll to take."))
    if timezone.localdate(session.starts_at) > timezone.localdate():
        raise Refused(_("The roll can be taken from the day of the session on."))
    valid = {choice for choice, _label in Attendance.Status.choices}
    children = {child.pk: child for child in roll_call_children(session)}
    for child_id, (status, reason) in marks.items():
        if "\x00" in (reason or ""):  # PostgreSQL refuses NUL bytes in text
            raise Refused(ProhibitNullCharactersValidator.message)
        if child_id not in children:
            raise Refused(
                _("Child %(id)s is not in the class group %(class)s.")
                % {"id": child_id, "class": session.class_group.name}
            )
        if status not in valid:
            raise Refused(
                _("“%(status)s” is not one of present, late, excused or absent.")
                % {"status": status}
            )
    if not marks:
        raise Refused(_("Mark at least one child."))
    if expected_version is not None:
        # Holding the session's row until the transaction ends: two queued roll calls sent at
        # once cannot both be compared with the version before either was saved.
        list(Session.objects.select_for_update().filter(pk=session.pk).values_list("pk"))
    existing = {a.child_id: a for a in Attendance.objects.filter(session=session)}
    if expected_version is not None:
        current = {a.child_id: (a.status, a.reason) for a in existing.values()}
        if marks_version(current) != expected_version:
            raise StaleRollCall(
                marks_version(current),
                current,
                RollCall.objects.filter(session=session)
                .select_related("recorded_by", "updated_by")
                .first(),
            )
    now = timezone.now()
    roll_call, created = RollCall.objects.get_or_create(
        session=session, defaults={"recorded_by": user, "recorded_at": now}
    )
    new, changed, changes = [], [], []
    for child_id, (status, reason) in marks.items():
        reason = (reason or "").strip()[:200]
        current = existing.get(child_id)
        if current is None:
            new.append(Attendance(session=session, child_id=child_id, status=status, reason=reason))
            old = (None, "")
        elif (current.status, current.reason) != (status, reason):
            old = (current.status, current.reason)
            current.status, current.reason = status, reason
            changed.append(current)
        else:
            continue
        changes.append(
            {
                "child": child_id,
                "name": children[child_id].display_name,
                "old": old[0],
                "old_reason": old[1],
                "new": status,
                "reason": reason,
            }
        )
    Attendance.objects.bulk_create(new)
    if changed:
        Attendance.objects.bulk_update(changed, ["status", "reason"])
    if created:
        log(instance=session, action=TAKE, user=user)
    elif changes:  # a re-save that changes nothing leaves "last changed" and the history alone
        roll_call.updated_by, roll_call.updated_at = user, now
        roll_call.save(update_fields=["updated_by", "updated_at"])
        log(  # on the session, so the admin's history of the session shows it
            instance=session,
            action=EDIT,
            user=user,
            data={
                "changes": sorted(changes, key=lambda c: (c["name"], c["child"])),
                "changed": {str(a.child_id): a.status for a in changed},
                "added": {str(a.child_id): a.status for a in new},
            },
        )
    return roll_call, created, len(new) + len(changed)


EXCEPTIONS = (Attendance.Status.ABSENT, Attendance.Status.LATE, Attendance.Status.EXCUSED)


def exceptions(children, marks):
    """Who was absent, late or excused, with their reasons, for the summary after a save.

    ``marks`` maps a child id to (status, reason); the answer is a list of
    (status label, [(name, reason), ...]) in the order absent, late, excused, leaving out
    a status nobody has.
    """
    groups = {status: [] for status in EXCEPTIONS}
    for child in children:
        status, reason = marks.get(child.pk, (None, ""))
        if status in groups:
            groups[status].append((child.display_name, (reason or "").strip()))
    return [(status.label, names) for status, names in groups.items() if names]


def status_label(code):
    return Attendance.Status(code).label if code in Attendance.Status.values else code


def describe_change(change):
    """One child's change in words: "王小明: Present → Absent (fever)"."""
    new = status_label(change["new"])
    if change.get("reason"):
        new = _("%(status)s (%(reason)s)") % {"status": new, "reason": change["reason"]}
    if change.get("old") is None:
        return _("%(name)s: marked %(new)s") % {"name": change["name"], "new": new}
    old = status_label(change["old"])
    if change.get("old_reason"):
        old = _("%(status)s (%(reason)s)") % {"status": old, "reason": change["old_reason"]}
    return _("%(name)s: %(old)s → %(new)s") % {"name": change["name"], "old": old, "new": new}


def change_history(roll_call):
    """The changes after the first save, newest first: [(log entry, [change, ...]), ...].

    Each change is the logged dict plus "text" (``describe_change``) and status labels.
    """
    if roll_call is None:
        return []
    entries = (
        ModelLogEntry.objects.for_instance(roll_call.session)
        .filter(action=EDIT)
        .select_related("user")
        .order_by("-timestamp", "-pk")
    )
    history = []
    for entry in entries:
        changes = [
            {
                **change,
                "text": describe_change(change),
                "old_label": status_label(change["old"]) if change.get("old") else "",
                "new_label": status_label(change["new"]),
            }
            for change in (entry.data or {}).get("changes", [])
        ]
        history.append((entry, changes))
    return history


def missing_roll_calls(since, until):
    """Active sessions that ended in [since, until) without a roll call."""
    return (
        Session.objects.active()
        .filter(ends_at__gte=since, ends_at__lt=until, roll_call__isnull=True)
        .with_related()
        .order_by("starts_at")
    )
