"""Entrants of a contest's events from a spreadsheet, all or nothing."""

import re

from django.db import transaction
from django.utils.translation import gettext as _

from ...models import PHONE_PATTERN, Entrant
from ..entrants import assign_bibs
from .files import ImportRefused, Problem, parse_table, read_rows

ENTRANT_HEADERS = {
    "name": ("姓名", "name"),
    "unit": ("单位", "unit"),
    "event": ("项目", "event"),
    "bib": ("编号", "bib", "number"),
    "phone": ("电话", "phone", "手机"),
}
ENTRANT_REQUIRED = ("name", "unit", "event")


def import_entrants(contest, upload):
    """Create the entrants of a file for a contest's events. Returns the created entrants."""
    table = parse_table(read_rows(upload), ENTRANT_HEADERS, ENTRANT_REQUIRED)
    h = table.headers
    events = {event.name: event for event in contest.events.all()}
    known_events = "、".join(sorted(events)[:10]) or "—"
    existing = set(Entrant.objects.filter(event__contest=contest).values_list("event_id", "bib"))
    existing_people = set(
        Entrant.objects.filter(event__contest=contest).values_list("event_id", "name", "unit")
    )
    problems, pending = [], []
    seen_bibs, seen_people = {}, {}
    for number, values in table.rows:
        row_problems = []
        for key, limit in (("name", 60), ("unit", 120)):
            if not values[key]:
                row_problems.append(Problem(number, h[key], _("This cell is empty.")))
            elif len(values[key]) > limit:
                row_problems.append(
                    Problem(
                        number, h[key], _("Too long (at most %(n)s characters).") % {"n": limit}
                    )
                )
        event = events.get(values["event"])
        if event is None:
            row_problems.append(
                Problem(
                    number,
                    h["event"],
                    _("Unknown event “%(event)s” (this contest has: %(known)s).")
                    % {"event": values["event"], "known": known_events},
                )
            )
        bib = values.get("bib", "")
        phone = values.get("phone", "")
        if len(bib) > 20:
            row_problems.append(Problem(number, h["bib"], _("Too long (at most 20 characters).")))
        if phone and not re.match(PHONE_PATTERN, phone):
            row_problems.append(Problem(number, h["phone"], _("Not a phone number.")))
        if event is not None and bib:
            if (event.pk, bib) in existing:
                row_problems.append(
                    Problem(number, h["bib"], _("Number %(bib)s is already taken.") % {"bib": bib})
                )
            elif (event.pk, bib) in seen_bibs:
                row_problems.append(
                    Problem(
                        number,
                        h["bib"],
                        _("Number %(bib)s is also on row %(other)s.")
                        % {"bib": bib, "other": seen_bibs[(event.pk, bib)]},
                    )
                )
            seen_bibs.setdefault((event.pk, bib), number)
        if event is not None and values["name"]:
            person = (event.pk, values["name"], values["unit"])
            if person in existing_people:
                row_problems.append(
                    Problem(number, h["name"], _("This entrant is already registered."))
                )
            elif person in seen_people:
                row_problems.append(
                    Problem(
                        number,
                        h["name"],
                        _("The same entrant is also on row %(other)s.")
                        % {"other": seen_people[person]},
                    )
                )
            seen_people.setdefault(person, number)
        if row_problems:
            problems.extend(row_problems)
            continue
        pending.append(
            Entrant(
                event=event,
                bib=bib,
                name=values["name"],
                unit=values["unit"],
                phone=phone,
                source=Entrant.Source.IMPORT,
            )
        )
    if problems:
        raise ImportRefused(problems)
    with transaction.atomic():
        assign_bibs(pending)
        return Entrant.objects.bulk_create(pending)
