"""The curriculum plan: a rotation of crafts over kindergartens, round by round."""

import datetime
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from core.cache import invalidate_pages
from core.refusals import Refused

from ..models import CraftPage, Kindergarten, PlanEntry, Season


def split_range(starts_on, ends_on, parts):
    """``parts`` consecutive date ranges covering starts_on..ends_on."""
    total = (ends_on - starts_on).days + 1
    ranges = []
    for index in range(parts):
        first = starts_on + datetime.timedelta(days=total * index // parts)
        last = starts_on + datetime.timedelta(days=total * (index + 1) // parts - 1)
        ranges.append((first, last))
    return ranges


def generate_rotation(seasons, kindergartens, crafts, sessions_per_round=12):
    """Unsaved plan entries in which every kindergarten meets every craft once over the plan
    and no craft (so no craftsman) is in two kindergartens in the same round.

    Round r (counted over the whole plan) gives kindergarten k the craft (k + r) mod n: a
    Latin square, so each round is a one-to-one pairing.
    """
    seasons, kindergartens, crafts = list(seasons), list(kindergartens), list(crafts)
    if not crafts or not kindergartens or not seasons:
        raise Refused(_("The rotation needs seasons, kindergartens and crafts."))
    if len(kindergartens) > len(crafts):
        raise Refused(
            _(
                "There are more kindergartens (%(k)d) than crafts (%(c)d): a craftsman would "
                "be in two places at once."
            )
            % {"k": len(kindergartens), "c": len(crafts)}
        )
    total_rounds = sum(season.rounds for season in seasons)
    if total_rounds < len(crafts):
        raise Refused(
            _(
                "The seasons have %(r)d rounds in all, fewer than the %(c)d crafts: not every "
                "kindergarten could meet every craft."
            )
            % {"r": total_rounds, "c": len(crafts)}
        )
    entries = []
    global_round = 0
    for season in seasons:
        for number, (first, last) in enumerate(
            split_range(season.starts_on, season.ends_on, season.rounds), start=1
        ):
            for k_index, kindergarten in enumerate(kindergartens):
                craft = crafts[(k_index + global_round) % len(crafts)]
                entries.append(
                    PlanEntry(
                        season=season,
                        round=number,
                        starts_on=first,
                        ends_on=last,
                        kindergarten=kindergarten,
                        craft=craft,
                        craftsman_id=craft.craftsman_id,
                        planned_sessions=sessions_per_round,
                    )
                )
            global_round += 1
    return entries


def rotation_problems(entries):
    """What is wrong with a plan: pairs never met, a craftsman in two places at once."""
    problems = []
    met = {(e.kindergarten_id, e.craft_id) for e in entries}
    kindergartens = {e.kindergarten_id for e in entries}
    crafts = {e.craft_id for e in entries}
    missing = len(kindergartens) * len(crafts) - len(met)
    if missing:
        problems.append(f"{missing} kindergarten–craft pairs never meet")
    busy = Counter(
        (e.craftsman_id, e.season_id, e.round) for e in entries if e.craftsman_id is not None
    )
    problems += [f"craftsman {key[0]} twice in a round" for key, n in busy.items() if n > 1]
    return problems


def double_bookings(entries):
    """The slots (season and round) in which one craftsman is planned in two places or more:
    a list of (craftsman_id, season, round, [entries]), in plan order."""
    slots = defaultdict(list)
    for entry in entries:
        if entry.craftsman_id is not None:
            slots[(entry.craftsman_id, entry.season_id, entry.round)].append(entry)
    return [
        (craftsman_id, group[0].season, number, group)
        for (craftsman_id, _season_id, number), group in slots.items()
        if len(group) > 1
    ]


def _person(user):
    return (user.get_full_name() or user.get_username()) if user else "—"


def refuse_double_bookings(entries):
    """Refuse a plan that books a craftsman in two places in one slot, naming each clash."""
    clashes = double_bookings(entries)
    if not clashes:
        return
    described = [
        _(
            "%(craftsman)s is booked twice in round %(round)d of %(season)s (%(first)s – "
            "%(last)s): %(places)s"
        )
        % {
            "craftsman": _person(group[0].craft.craftsman),
            "round": number,
            "season": season.name,
            "first": group[0].starts_on.isoformat(),
            "last": group[0].ends_on.isoformat(),
            "places": ", ".join(f"{e.kindergarten.short_name} ({e.craft.title})" for e in group),
        }
        for _craftsman_id, season, number, group in clashes
    ]
    raise Refused(
        _("Refused, nothing is saved: a craftsman cannot be in two places at once. %(clashes)s.")
        % {"clashes": "; ".join(described)}
    )


def season_has_started(season, today=None):
    return season.starts_on <= (today or timezone.localdate())


def refuse_started(season):
    if season_has_started(season):
        raise Refused(
            _(
                "%(season)s started on %(date)s: the plan of a season that has started or "
                "ended is not rewritten."
            )
            % {"season": season.name, "date": season.starts_on.isoformat()},
            "season",
        )


PLAN_FIELDS = ("craft_id", "craftsman_id", "planned_sessions", "starts_on", "ends_on")


def _key(entry):
    return (entry.round, entry.kindergarten_id)


def _values(entry):
    return tuple(getattr(entry, name) for name in PLAN_FIELDS)


@dataclass
class RotationPreview:
    """A season's new plan beside its current one, before anything is saved."""

    season: Season
    sessions_per_round: int
    entries: list
    added: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # (old entry, new entry)
    removed: list = field(default_factory=list)
    unchanged: int = 0
    planned_before: int = 0
    planned_after: int = 0
    digest: str = ""

    @property
    def has_changes(self):
        return bool(self.added or self.changed or self.removed)


def _digest(season, current, entries):
    text = repr(
        (
            season.pk,
            sorted((e.pk, _key(e), _values(e)) for e in current),
            sorted((_key(e), _values(e)) for e in entries),
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def preview_rotation(season, sessions_per_round=12):
    """The rotation of one season, compared with its current plan; nothing is saved.

    The rotation runs over all seasons (so every kindergarten meets every craft over the
    plan) and only the chosen season's part is taken. Refuses a season that has started and
    a plan that books a craftsman twice in one slot. A fixed number of queries.
    """
    refuse_started(season)
    seasons = list(Season.objects.order_by("starts_on"))
    kindergartens = list(Kindergarten.objects.order_by("name"))
    crafts = list(CraftPage.objects.live().order_by("path").select_related("craftsman"))
    entries = [
        entry
        for entry in generate_rotation(seasons, kindergartens, crafts, sessions_per_round)
        if entry.season_id == season.pk
    ]
    refuse_double_bookings(entries)
    current = list(
        PlanEntry.objects.filter(season=season)
        .select_related("kindergarten", "craft", "craftsman")
        .order_by("round", "kindergarten__name")
    )
    old = {_key(e): e for e in current}
    new = {_key(e): e for e in entries}
    preview = RotationPreview(season, sessions_per_round, entries)
    for entry in entries:
        before = old.get(_key(entry))
        if before is None:
            preview.added.append(entry)
        elif _values(before) != _values(entry):
            preview.changed.append((before, entry))
        else:
            preview.unchanged += 1
    preview.removed = [e for e in current if _key(e) not in new]
    preview.planned_before = sum(e.planned_sessions for e in current)
    preview.planned_after = sum(e.planned_sessions for e in entries)
    preview.digest = _digest(season, current, entries)
    return preview


@transaction.atomic
def save_rotation(season, sessions_per_round, digest, user):
    """Replace one season's plan with the rotation previewed under ``digest``. Refused when
    the plan or the data behind it changed since the preview, so what is saved is exactly
    what was shown. Returns the preview that was saved."""
    preview = preview_rotation(season, sessions_per_round)
    if preview.digest != digest:
        raise Refused(
            _("The plan has changed since the preview: check the new preview and confirm again.")
        )
    PlanEntry.objects.filter(season=season).delete()
    PlanEntry.objects.bulk_create(preview.entries)
    log(
        instance=season,
        action="heritage.plan.generate",
        user=user,
        data={
            "added": len(preview.added),
            "changed": len(preview.changed),
            "removed": len(preview.removed),
            "planned_before": preview.planned_before,
            "planned_after": preview.planned_after,
        },
    )
    invalidate_pages("heritage")
    return preview


@transaction.atomic
def apply_rotation(seasons=None, sessions_per_round=12):
    """Replace the curriculum plan of the seasons with a fresh rotation. Returns the count."""
    seasons = list(seasons if seasons is not None else Season.objects.order_by("starts_on"))
    kindergartens = list(Kindergarten.objects.order_by("name"))
    crafts = list(CraftPage.objects.live().order_by("path").select_related("craftsman"))
    entries = generate_rotation(seasons, kindergartens, crafts, sessions_per_round)
    refuse_double_bookings(entries)
    PlanEntry.objects.filter(season__in=seasons).delete()
    PlanEntry.objects.bulk_create(entries)
    invalidate_pages("heritage")
    return len(entries)
