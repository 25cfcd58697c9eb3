"""A craftsman's itinerary: the next sessions they teach, wherever they are, in order."""

import itertools

from django.utils import timezone

from ..models import Session

ITINERARY_LENGTH = 12


def next_sessions(craftsman, now=None, length=ITINERARY_LENGTH):
    """The next ``length`` sessions ``craftsman`` teaches that have not ended, cancelled ones
    left out, earliest first, with the lesson, class group and kindergarten in the same query."""
    now = now or timezone.now()
    return list(
        Session.objects.active()
        .filter(craftsman=craftsman, ends_at__gt=now)
        .select_related("lesson", "craft", "class_group__kindergarten")
        .defer("lesson__steps", "lesson__goals", "lesson__safety_notes")
        .order_by("starts_at", "pk")[:length]
    )


def by_day(sessions):
    """(local date, sessions of that day) in order."""
    return [
        (day, list(day_sessions))
        for day, day_sessions in itertools.groupby(
            sessions, key=lambda s: timezone.localdate(s.starts_at)
        )
    ]
