"""Entrants' numbers (bibs): zero-padded numbers, the next free one of each event."""

from ..models import Entrant


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
    """Give every entrant without a number the next free one of its event."""
    event_ids = {e.event_id for e in entrants}
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
    """The next free number of one event (for the registration form)."""
    highest = next_bib_numbers([event.pk]).get(event.pk, 0)
    return f"{highest + 1:03d}"
