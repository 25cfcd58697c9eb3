import datetime
from decimal import Decimal

import factory

from contests.models import AwardTier, ContestPage, Criterion, Entrant, Event, Score, Sheet
from tests.factories import UserFactory

__all__ = [
    "make_contest",
    "EventFactory",
    "CriterionFactory",
    "AwardTierFactory",
    "EntrantFactory",
    "SheetFactory",
    "ScoreFactory",
    "score_grid",
]


def make_contest(index, organizers=(), live=True, **fields):
    """A contest page under the contest index (pages need the tree, so no factory_boy)."""
    today = datetime.date.today()
    defaults = {
        "title": "2024年奉化区服装裁剪技能竞赛",
        "year": 2024,
        "level": "district",
        "contest_type": "skills",
        "starts_on": today,
        "ends_on": today,
        "venue": "奉化区职业技术教育中心",
        "registration_opens": today - datetime.timedelta(days=5),
        "registration_closes": today + datetime.timedelta(days=5),
        "live": live,
    }
    defaults.update(fields)
    n = ContestPage.objects.count() + 1
    defaults.setdefault("slug", f"contest-{n}")
    contest = index.add_child(instance=ContestPage(**defaults))
    if organizers:
        contest.organizers.set(organizers)
        contest.save()
    return contest


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"项目{n}")
    rule = "mean"
    deviation_threshold = Decimal("10")


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    name = factory.Sequence(lambda n: f"评分项{n}")
    maximum = Decimal("100")
    weight = Decimal("1")
    position = factory.Sequence(lambda n: n)


class AwardTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AwardTier

    name = "一等奖"
    count = 1
    position = factory.Sequence(lambda n: n)


class EntrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entrant

    bib = factory.Sequence(lambda n: f"{n + 1:03d}")
    name = factory.Sequence(lambda n: f"选手{n}")
    unit = "奉化某公司"


class SheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sheet

    judge = factory.SubFactory(UserFactory, role="judge")


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score


def score_grid(event, table):
    """Scores from {bib: {criterion name: [judge 1, judge 2, ...]}} with one sheet per judge."""
    criteria = {c.name: c for c in event.criteria.all()}
    entrants = {e.bib: e for e in event.entrants.all()}
    width = max(len(v) for row in table.values() for v in row.values())
    sheets = list(event.sheets.order_by("id"))
    while len(sheets) < width:
        sheets.append(SheetFactory(event=event))
    scores = []
    for bib, row in table.items():
        for name, values in row.items():
            for sheet, value in zip(sheets, values, strict=False):
                if value is None:
                    continue
                scores.append(
                    Score(
                        sheet=sheet,
                        entrant=entrants[bib],
                        criterion=criteria[name],
                        points=Decimal(str(value)),
                    )
                )
    Score.objects.bulk_create(scores)
    return sheets
