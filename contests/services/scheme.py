"""Sanity of a marking scheme, whether typed on the scheme page or imported: an award's
minimum total must be reachable; and when a scheme can no longer change."""

from decimal import Decimal

from django.utils.translation import gettext as _


def possible_total(criteria):
    """The highest weighted total the criteria allow: the sum of maximum × weight."""
    return sum(
        (Decimal(c.maximum or 0) * Decimal(c.weight or 0) for c in criteria), Decimal(0)
    ).quantize(Decimal("0.01"))


def minimum_total_problem(minimum, criteria):
    """A message when no entrant could reach ``minimum`` under ``criteria``, else None."""
    if minimum is None or not criteria:
        return None
    highest = possible_total(criteria)
    if Decimal(minimum) > highest:
        return _(
            "The minimum total for an award (%(minimum)s) is above the highest total the "
            "criteria allow (%(highest)s): nobody could get an award."
        ) % {"minimum": minimum, "highest": highest}
    return None


def scheme_locked(event):
    """Whether scores or measurements exist: the criteria then stay as they are."""
    from ..models import Measurement, Score

    return (
        Score.objects.filter(criterion__event=event).exists()
        or Measurement.objects.filter(criterion__event=event).exists()
    )
