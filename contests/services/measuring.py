"""Measurement criteria: a value measured once per entrant (a dimension, a time, a weight),
entered by the criterion's designated judge or an organizer, and scored by the criterion's
tolerance bands (the distance from the target decides the points), or taken as the score when
the criterion has no bands.

The points are fixed when the value is entered; the scheme is locked from the first value on,
so they never disagree with the bands. Once results are published a value changes only with
a reason, and the change is in the event's history and makes the results out of date."""

import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from core.refusals import Refused

from ..models import Criterion, Entrant, Event, Measurement
from .scoring import HUNDREDTH

THOUSANDTH = Decimal("0.001")
# "0.5=10, 1=8; 2：5" (Western or Chinese punctuation): deviation = points, closest first.
_BAND_SPLIT = re.compile(r"[,，;；、\n]+")
_BAND_PAIR = re.compile(r"^\s*[±+]?\s*([^=:：]+?)\s*[=:：]\s*(.+?)\s*$")


def plain(value):
    """A Decimal as typed, without trailing zeros or an exponent: 10.500 → "10.5"."""
    return format(value.normalize(), "f")


def _number(text):
    text = (text or "").strip().replace("，", ".").replace(",", ".")
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def parse_bands(text, maximum=None):
    """``"0.5=10, 1=8, 2=5"`` as [["0.5", "10.00"], ...] sorted closest first, or ``Refused``."""
    bands = {}
    for part in _BAND_SPLIT.split(text or ""):
        if not part.strip():
            continue
        match = _BAND_PAIR.match(part)
        deviation = _number(match.group(1)) if match else None
        points = _number(match.group(2)) if match else None
        if deviation is None or points is None:
            raise Refused(
                _("“%(band)s” is not a band: write deviation=points, for example 0.5=10.")
                % {"band": part.strip()}
            )
        if deviation < 0 or deviation != deviation.quantize(THOUSANDTH):
            raise Refused(_("A band's deviation is 0 or more, with at most 3 decimals."))
        if points < 0 or points != points.quantize(HUNDREDTH):
            raise Refused(_("A band's points are 0 or more, with at most 2 decimals."))
        if maximum is not None and points > Decimal(maximum):
            raise Refused(
                _("A band gives %(points)s points, above the criterion's maximum %(maximum)s.")
                % {"points": points, "maximum": maximum}
            )
        if deviation in bands:
            raise Refused(_("Two bands have the deviation %(d)s.") % {"d": deviation})
        bands[deviation] = points
    return [[plain(d), str(p.quantize(HUNDREDTH))] for d, p in sorted(bands.items())]


def bands_text(bands):
    return ", ".join(f"{d}={p}" for d, p in bands or [])


def band_points(criterion, value):
    """The points a measured ``value`` scores: the closest band whose deviation covers the
    distance from the target (0 beyond the last band), or the value itself without bands."""
    bands = criterion.band_list()
    if not bands:
        return value.quantize(HUNDREDTH)
    distance = abs(value - criterion.target)
    for deviation, points in bands:
        if distance <= deviation:
            return points
    return Decimal("0.00")


def parse_value(raw, criterion):
    """A measured value as Decimal, or ``Refused`` with a message for the person entering it."""
    value = _number(raw)
    if value is None:
        raise Refused(_("“%(value)s” is not a number.") % {"value": raw})
    if criterion.band_list():
        if value != value.quantize(THOUSANDTH):
            raise Refused(_("Use at most 3 decimals."))
        if abs(value) >= Decimal("1000000000"):
            raise Refused(_("“%(value)s” is too large a measurement.") % {"value": raw})
        return value
    # Without bands the value is the score itself.
    if value < 0:
        raise Refused(_("A score cannot be below 0."))
    if value > criterion.maximum:
        raise Refused(
            _("The maximum for %(criterion)s is %(maximum)s.")
            % {"criterion": criterion.name, "maximum": criterion.maximum}
        )
    if value != value.quantize(HUNDREDTH):
        raise Refused(_("Use at most 2 decimals."))
    return value


def scheme_problem(criterion):
    """What stops a measurement criterion being scored, or None: bands need a target."""
    if (
        criterion.kind == Criterion.Kind.MEASUREMENT
        and criterion.bands
        and criterion.target is None
    ):
        return _("%(criterion)s has tolerance bands but no target value.") % {
            "criterion": criterion.name
        }
    return None


def measured_criteria(event, user):
    """The event's measurement criteria ``user`` may enter: all of them for its organizers,
    the ones they are designated for otherwise."""
    criteria = event.criteria.measured().order_by("position", "id")
    if Event.objects.for_user(user).filter(pk=event.pk).exists():
        return list(criteria)
    return list(criteria.filter(measured_by=user))


def events_to_measure(user):
    """The events where ``user`` is the designated judge of a measurement criterion."""
    return (
        Event.objects.filter(criteria__measured_by=user, criteria__kind=Criterion.Kind.MEASUREMENT)
        .select_related("contest")
        .distinct()
        .order_by("contest__title", "name")
    )


def field_name(entrant_key, criterion_id):
    return f"m-{entrant_key}-{criterion_id}"


def results_published(event):
    from .publishing import results_page_for

    page = results_page_for(event)
    return page is not None and page.live


def save_measurements(event, data, entrants, criteria, user, keys=None, reason=""):
    """Validate every posted value of ``entrants`` × ``criteria``, then save them all or none.

    Returns (saved count, errors {field name: message}). An empty cell leaves the value as it
    is. Changing a value already entered is logged with old → new; once the results are
    published it needs a ``reason``."""
    reason = re.sub(r"[\x00-\x1f\x7f]", " ", reason or "").strip()
    errors, posted = {}, {}
    for entrant in entrants:
        if entrant.status != Entrant.Status.ACTIVE:
            continue
        key = keys[entrant.pk] if keys else entrant.pk
        for criterion in criteria:
            name = field_name(key, criterion.pk)
            raw = (data.get(name) or "").strip()
            if not raw:
                continue
            try:
                posted[(entrant.pk, criterion.pk)] = parse_value(raw, criterion)
            except Refused as error:
                errors[name] = str(error)
    if errors:
        return 0, errors
    by_id = {criterion.pk: criterion for criterion in criteria}
    bibs = {entrant.pk: entrant.bib for entrant in entrants}
    with transaction.atomic():
        # Entries of one event are written one at a time, so a change is logged against the
        # value it replaces.
        Event.objects.select_for_update().filter(pk=event.pk).first()
        before = {
            (m.entrant_id, m.criterion_id): m
            for m in Measurement.objects.filter(
                criterion__in=criteria, entrant_id__in={e for e, _c in posted}
            )
        }
        changes, rows = [], []
        for (entrant_id, criterion_id), value in sorted(posted.items()):
            old = before.get((entrant_id, criterion_id))
            if old is not None and old.value == value:
                continue
            criterion = by_id[criterion_id]
            points = band_points(criterion, value)
            rows.append(
                Measurement(
                    criterion_id=criterion_id,
                    entrant_id=entrant_id,
                    value=value,
                    points=points,
                    entered_by=user,
                )
            )
            if old is not None:
                changes.append(
                    {
                        "entrant_id": entrant_id,
                        "bib": bibs.get(entrant_id, ""),
                        "criterion": criterion.name,
                        "old": f"{plain(old.value)} → {old.points}",
                        "new": f"{plain(value)} → {points}",
                    }
                )
        if changes and not reason and results_published(event):
            return 0, {
                "__all__": _(
                    "The results are published: give the reason for changing a measurement."
                )
            }
        if rows:
            Measurement.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["criterion", "entrant"],
                update_fields=["value", "points", "entered_by", "entered_at"],
            )
        if changes:
            log(
                event,
                "contests.change_measurements",
                user=user,
                data={"reason": reason[:300], "changes": changes[:200]},
            )
    return len(rows), {}


def measurement_changes(event, limit=100):
    """The measurements changed after entry, newest first (who, when, why, old → new)."""
    from wagtail.models import ModelLogEntry

    rows = []
    entries = (
        ModelLogEntry.objects.for_instance(event)
        .filter(action="contests.change_measurements")
        .select_related("user")
        .order_by("-timestamp", "-pk")[:limit]
    )
    for entry in entries:
        data = entry.data or {}
        for change in data.get("changes", []):
            rows.append(
                {
                    "by": (entry.user.get_full_name() or entry.user.get_username())
                    if entry.user
                    else entry.user_display_name,
                    "at": entry.timestamp,
                    "reason": data.get("reason", ""),
                    **change,
                }
            )
    return rows


def missing_measurements(event):
    """How many measurements the active entrants still lack."""
    criteria = event.criteria.measured().count()
    if not criteria:
        return 0
    expected = event.entrants.active().count() * criteria
    entered = Measurement.objects.filter(
        criterion__event=event,
        criterion__kind=Criterion.Kind.MEASUREMENT,
        entrant__event=event,
        entrant__status=Entrant.Status.ACTIVE,
    ).count()
    return max(expected - entered, 0)
