"""Entrants' numbers (bibs): zero-padded numbers, the next free one of each event.

Numbering is serialised per event: whoever gives out numbers first locks the event's row
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite has one writer at a time anyway), so two
registrations arriving together never read the same highest number. Should a number still be
taken when the row is written (another path that did not lock, a number typed by staff), the
registration tries again with the next one, inside a savepoint, a few times.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.refusals import Refused

from ..models import Entrant, Event

logger = logging.getLogger(__name__)

# How often a registration retries when its number was taken between reading and writing.
ATTEMPTS = 5


def lock_events(event_ids):
    """Lock the events' rows until the current transaction ends (in a stable order, so two
    writers locking several events cannot deadlock)."""
    ids = sorted({pk for pk in event_ids if pk is not None})
    if ids:
        list(Event.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))


def next_bib_numbers(event_ids):
    """The next free numeric bib of each event (bibs are zero-padded numbers by default)."""
    numbers = {}
    for event_id, bib in Entrant.objects.filter(event_id__in=event_ids).values_list(
        "event_id", "bib"
    ):
        if bib.isdigit():
            numbers[event_id] = max(numbers.get(event_id, 0), int(bib))
    return numbers


def assign_bibs(entrants):
    """Give every entrant without a number the next free one of its event.

    Call it inside ``transaction.atomic()`` and save the entrants in the same transaction:
    the events stay locked until then.
    """
    event_ids = {e.event_id for e in entrants}
    lock_events(event_ids)
    highest = next_bib_numbers(event_ids)
    for entrant in entrants:
        if entrant.bib and entrant.bib.isdigit():
            highest[entrant.event_id] = max(highest.get(entrant.event_id, 0), int(entrant.bib))
    taken = {(e.event_id, e.bib) for e in entrants if e.bib}
    for entrant in entrants:
        if not entrant.bib:
            number = highest.get(entrant.event_id, 0) + 1
            while (entrant.event_id, f"{number:03d}") in taken:
                number += 1
            entrant.bib = f"{number:03d}"
            highest[entrant.event_id] = number
            taken.add((entrant.event_id, entrant.bib))


def next_bib(event):
    """The next free number of one event. Inside a transaction that locked the event (see
    :func:`register`), nobody else can take it before that transaction ends."""
    highest = next_bib_numbers([event.pk]).get(event.pk, 0)
    return f"{highest + 1:03d}"


def register(event, *, name, unit, phone="", source=Entrant.Source.FORM):
    """Register one entrant with the next free number of the event, and return it.

    Safe when many people register for one event at the same moment: every valid registration
    gets a number of its own. Raises ``Refused`` when the same person (name and unit) is
    already registered, or in the unlikely case that no number could be had after retrying.
    """
    name, unit = name.strip(), unit.strip()
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic():
                lock_events([event.pk])
                return Entrant.objects.create(
                    event=event,
                    bib=next_bib(event),
                    name=name,
                    unit=unit,
                    phone=phone,
                    source=source,
                )
        except IntegrityError:
            if Entrant.objects.filter(event=event, name=name, unit=unit).exists():
                raise Refused(
                    _("%(name)s of %(unit)s is already registered for this event.")
                    % {"name": name, "unit": unit}
                ) from None
            logger.info("Bib taken for event %s, attempt %s: retrying", event.pk, attempt)
    raise Refused(_("This registration could not be saved: try again."))
