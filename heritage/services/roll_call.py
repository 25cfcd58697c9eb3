"""Roll calls: the children of a session, saving their marks, and the roll calls missing."""

from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from core.refusals import Refused

from ..models import Attendance, RollCall, Session


def roll_call_children(session):
    day = timezone.localdate(session.starts_at)
    return list(session.class_group.children.active_on(day).order_by("display_name", "pk"))


@transaction.atomic
def save_roll_call(session, user, marks):
    """Save a whole roll call in a bounded number of queries.

    ``marks`` maps a child id to (status, reason). Saving again updates the marks, never
    duplicates them; who recorded it first and who changed it last are kept, and a later
    change is written to Wagtail's log. Refuses a cancelled session, a future session,
    a child not in the session's class group and a status outside the four.
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
    now = timezone.now()
    roll_call, created = RollCall.objects.get_or_create(
        session=session, defaults={"recorded_by": user, "recorded_at": now}
    )
    existing = {a.child_id: a for a in Attendance.objects.filter(session=session)}
    new, changed = [], []
    for child_id, (status, reason) in marks.items():
        reason = (reason or "").strip()[:200]
        current = existing.get(child_id)
        if current is None:
            new.append(Attendance(session=session, child_id=child_id, status=status, reason=reason))
        elif (current.status, current.reason) != (status, reason):
            current.status, current.reason = status, reason
            changed.append(current)
    Attendance.objects.bulk_create(new)
    if changed:
        Attendance.objects.bulk_update(changed, ["status", "reason"])
    if not created:
        roll_call.updated_by, roll_call.updated_at = user, now
        roll_call.save(update_fields=["updated_by", "updated_at"])
        if new or changed:
            log(
                instance=roll_call,
                action="heritage.roll_call.edit",
                user=user,
                data={
                    "changed": {str(a.child_id): a.status for a in changed},
                    "added": {str(a.child_id): a.status for a in new},
                },
            )
    else:
        log(instance=roll_call, action="heritage.roll_call.take", user=user)
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


def missing_roll_calls(since, until):
    """Active sessions that ended in [since, until) without a roll call."""
    return (
        Session.objects.active()
        .filter(ends_at__gte=since, ends_at__lt=until, roll_call__isnull=True)
        .with_related()
        .order_by("starts_at")
    )
