"""The curriculum plan: a rotation of crafts over kindergartens, round by round."""

import datetime
from collections import Counter

from django.db import transaction
from django.utils.translation import gettext as _

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


@transaction.atomic
def apply_rotation(seasons=None, sessions_per_round=12):
    """Replace the curriculum plan of the seasons with a fresh rotation. Returns the count."""
    seasons = list(seasons if seasons is not None else Season.objects.order_by("starts_on"))
    kindergartens = list(Kindergarten.objects.order_by("name"))
    crafts = list(CraftPage.objects.live().order_by("path"))
    entries = generate_rotation(seasons, kindergartens, crafts, sessions_per_round)
    PlanEntry.objects.filter(season__in=seasons).delete()
    PlanEntry.objects.bulk_create(entries)
    invalidate_pages("heritage")
    return len(entries)
