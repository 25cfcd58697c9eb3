"""Secret codes for blind judging (抽签): drawing them, what judges see, the sealed table.

- ``draw_codes``: one random code per competing entrant ("K38": a letter and two digits, drawn
  with ``secrets``, unrelated to the registration order); redrawing is refused once a score is
  entered, since the judges already know the codes. ``draw_missing_codes`` gives codes to
  entrants who have none yet (registered or reinstated after the draw) and keeps the others.
- ``blind_codes``: on an event that hides names from judges, what the judge's sheet shows in
  place of the entrant (``BlindSheet``); ``None`` when the event does not hide names.
- ``open_table``: the code → entrant table for the organizer, each opening written to the audit
  log while the table is sealed (until the provisional results are published).
"""

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from core.refusals import Refused

from ..models import EntrantCode, Event, ResultsPage, Score

DRAW = "contests.draw_codes"
OPEN = "contests.open_codes"
# No I or O: on a paper sheet they read as 1 and 0.
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_SPACE = len(LETTERS) * 100


def code_at(index):
    """The code number ``index`` of ``CODE_SPACE``: A00, A01 … Z99."""
    return f"{LETTERS[index // 100]}{index % 100:02d}"


def _random_codes(count, taken=()):
    """``count`` distinct codes, none of ``taken``, drawn by the system's secure generator."""
    free = [i for i in range(CODE_SPACE) if code_at(i) not in set(taken)]
    if count > len(free):
        raise Refused(
            _("There are not enough codes left for %(count)s entrants.") % {"count": count}
        )
    return [code_at(i) for i in secrets.SystemRandom().sample(free, count)]


def codes_drawn(event):
    return EntrantCode.objects.filter(event=event).exists()


def has_scores(event):
    return Score.objects.filter(sheet__event=event).exists()


def is_sealed(event):
    """The code table stays sealed until the provisional results are published."""
    return not ResultsPage.objects.filter(event=event).exists()


def _locked_event(event):
    return Event.objects.select_for_update().get(pk=event.pk)


def draw_codes(event, user):
    """Draw (or redraw) a code for every competing entrant. Returns how many were drawn."""
    if not event.hide_names:
        raise Refused(_("Secret codes are for events that hide names from judges."))
    with transaction.atomic():
        _locked_event(event)
        if has_scores(event):
            raise Refused(
                _(
                    "Scores have been entered: the judges know these codes, so they cannot be "
                    "drawn again."
                )
            )
        entrant_ids = list(event.entrants.active().values_list("pk", flat=True))
        if not entrant_ids:
            raise Refused(_("No entrant is competing yet: there is nobody to draw a code for."))
        redraw = codes_drawn(event)
        EntrantCode.objects.filter(event=event).delete()
        codes = _random_codes(len(entrant_ids))
        EntrantCode.objects.bulk_create(
            EntrantCode(event=event, entrant_id=pk, code=code)
            for pk, code in zip(entrant_ids, codes, strict=True)
        )
        log(event, DRAW, user=user, data={"count": len(codes), "redraw": redraw})
    return len(codes)


def draw_missing_codes(event, user):
    """Codes for the competing entrants who have none; every code already drawn is kept."""
    if not event.hide_names:
        raise Refused(_("Secret codes are for events that hide names from judges."))
    with transaction.atomic():
        _locked_event(event)
        if not codes_drawn(event):
            raise Refused(_("Draw the codes first."))
        missing = list(
            event.entrants.active().filter(blind_code__isnull=True).values_list("pk", flat=True)
        )
        if not missing:
            raise Refused(_("Every competing entrant already has a code."))
        taken = EntrantCode.objects.filter(event=event).values_list("code", flat=True)
        codes = _random_codes(len(missing), taken=list(taken))
        EntrantCode.objects.bulk_create(
            EntrantCode(event=event, entrant_id=pk, code=code)
            for pk, code in zip(missing, codes, strict=True)
        )
        log(event, DRAW, user=user, data={"count": len(codes), "added": True})
    return len(codes)


def without_code_count(event):
    return event.entrants.active().filter(blind_code__isnull=True).count()


@dataclass
class BlindSheet:
    """What a judge's sheet of a blind event shows: only entrants holding a code, by code."""

    drawn: bool
    waiting: int  # competing entrants without a code: not on the sheet until they get one


def blind_sheet(event):
    """``None`` when the event shows names; otherwise whether codes are drawn and how many
    competing entrants still wait for one."""
    if not event.hide_names:
        return None
    drawn = codes_drawn(event)
    return BlindSheet(drawn=drawn, waiting=without_code_count(event) if drawn else 0)


def coded_entrants(event):
    """The entrants a blind sheet lists: those with a code, ordered by code, code attached."""
    return (
        event.entrants.filter(blind_code__isnull=False)
        .select_related("blind_code")
        .order_by("blind_code__code")
    )


def code_summary(event):
    """What the organizer's event page says about the codes (None when names are shown)."""
    if not event.hide_names:
        return None
    count = EntrantCode.objects.filter(event=event).count()
    return {
        "count": count,
        "waiting": without_code_count(event) if count else 0,
        "scored": has_scores(event),
        "sealed": is_sealed(event),
    }


def code_table(event):
    """(code, entrant) for every code of the event, by code."""
    return [
        (row.code, row.entrant)
        for row in EntrantCode.objects.filter(event=event).select_related("entrant")
    ]


def open_table(event, user):
    """The sealed table, with its opening written to the audit log while it is sealed."""
    if is_sealed(event):
        log(event, OPEN, user=user)
    return code_table(event)


def unsealed_codes(event):
    """{entrant id: code} once the table is no longer sealed; empty before (and without codes)."""
    if is_sealed(event):
        return {}
    return dict(EntrantCode.objects.filter(event=event).values_list("entrant_id", "code"))


def code_history(event, limit=50):
    """The draws and openings of the event's code table, newest first, from the audit log."""
    return list(
        ModelLogEntry.objects.for_instance(event)
        .filter(action__in=[DRAW, OPEN])
        .select_related("user")
        .order_by("-timestamp", "-pk")[:limit]
    )
