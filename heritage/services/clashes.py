"""The overlap check of sessions: one craftsman, one class group, one place at a time."""

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.refusals import Refused

from ..models import Session


def _clash_reason(clash, craftsman, class_group, place):
    if clash.craftsman_id == craftsman.pk:
        return _("the same craftsman")
    if clash.class_group_id == class_group.pk:
        return _("the same class group")
    return _("the same place")


def describe_session(session):
    local = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    return _("%(date)s %(start)s–%(end)s, %(class)s, %(lesson)s (%(place)s)") % {
        "date": date_format(local.date(), "SHORT_DATE_FORMAT"),
        "start": local.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "class": str(session.class_group),
        "lesson": session.lesson.title,
        "place": session.place,
    }


def find_clash(slots, craftsman, class_group, place, exclude_ids=()):
    """The first existing active session that overlaps one of ``slots`` ([(start, end)])
    and shares the craftsman, the class group or the place (in the same kindergarten).

    One query for the whole span of the slots; the overlap is then checked per slot.
    Returns (slot, session) or None.
    """
    clashes = find_clashes(slots, craftsman, class_group, place, exclude_ids)
    return clashes[0] if clashes else None


def find_clashes(slots, craftsman, class_group, place, exclude_ids=()):
    """Every slot of ``slots`` that overlaps an existing active session, with the first such
    session: [((start, end), session)] in the order of the slots. One query."""
    if not slots:
        return []
    span_start = min(start for start, _end in slots)
    span_end = max(end for _start, end in slots)
    resource = Q(craftsman=craftsman) | Q(class_group=class_group)
    if place:
        resource |= Q(
            place__iexact=place.strip(), class_group__kindergarten_id=class_group.kindergarten_id
        )
    candidates = list(
        Session.objects.active()
        .filter(resource, starts_at__lt=span_end, ends_at__gt=span_start)
        .exclude(pk__in=list(exclude_ids))
        .select_related("lesson", "class_group__kindergarten")
        .order_by("starts_at")
    )
    clashes = []
    for start, end in sorted(slots):
        for session in candidates:
            if session.starts_at < end and session.ends_at > start:
                clashes.append(((start, end), session))
                break
    return clashes


def refuse_clash(clash, craftsman, class_group, place):
    _slot, session = clash
    raise Refused(
        _("Refused: this overlaps %(session)s, which has %(reason)s.")
        % {
            "session": describe_session(session),
            "reason": _clash_reason(session, craftsman, class_group, place),
        }
    )
