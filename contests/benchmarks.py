"""Query counts of the contests' pages and services at growing data (``manage.py bench``)."""

from decimal import Decimal

from django.db import transaction

from .models import (
    ContestIndexPage,
    ContestPage,
    Criterion,
    Entrant,
    Event,
    ResultsPage,
    Score,
    Sheet,
    Stage,
)
from .services.ranking import compute_standings, missing_scores
from .services.scoring import deviations


def big_event(entrants=1000, judges=5, criteria=8):
    """The issue's benchmark event: 1,000 entrants × 5 judges × 8 criteria = 40,000 scores."""
    from django.contrib.auth import get_user_model

    index = ContestIndexPage.objects.first()
    contests = ContestPage.objects.child_of(index).order_by("pk")
    contest = contests.filter(organizers__username="demo-organizer").first() or contests.first()
    event = Event.objects.create(contest=contest, name=f"基准测试{entrants}", rule="trimmed")
    Criterion.objects.bulk_create(
        Criterion(
            event=event,
            position=i,
            name=f"C{i}",
            maximum=Decimal("100"),
            weight=Decimal("0.125"),
            tie_break=i + 1 if i < 2 else None,
        )
        for i in range(criteria)
    )
    people = Entrant.objects.bulk_create(
        Entrant(event=event, bib=f"{i:04d}", name=f"选手{i}", unit="单位") for i in range(entrants)
    )
    users = get_user_model().objects.filter(groups__name="judge").order_by("pk")[:judges]
    sheets = Sheet.objects.bulk_create(Sheet(event=event, judge=user) for user in users)
    marks = list(event.criteria.all())
    Score.objects.bulk_create(
        (
            Score(
                sheet=sheet,
                entrant=person,
                criterion=mark,
                points=Decimal((p * 7 + s * 13 + m * 3) % 10000) / 100,
            )
            for p, person in enumerate(people)
            for s, sheet in enumerate(sheets)
            for m, mark in enumerate(marks)
        ),
        batch_size=5000,
    )
    return event


def measure(bench):
    contest_index = ContestIndexPage.objects.first()
    if contest_index is None:
        return
    bench.get("contests: index, anonymous", contest_index.url + "?level=district")
    bench.get("contests: results archive", contest_index.url + "archive/")
    final = ResultsPage.objects.filter(stage=Stage.FINAL).order_by("pk").first()
    if final:
        bench.get("contests: contest page", final.get_parent().url + "?x=1")
        bench.get("contests: final results page", final.url + "?x=1")
    notice = ResultsPage.objects.filter(stage=Stage.NOTICE).order_by("pk").first()
    if notice:
        bench.get("contests: results in notice (objection form)", notice.url + "?x=1")
    live = Sheet.objects.filter(judge__username="demo-judge").select_related("event").first()
    if live:
        bench.get("contests: organizer's contests", "/app/contests/manage/", user="demo-organizer")
        bench.get(
            "contests: organizer's event page",
            f"/app/contests/manage/event/{live.event_id}/",
            user="demo-organizer",
        )
        bench.get("contests: judge's sheets", "/app/contests/judging/", user="demo-judge")
        bench.get(
            "contests: judge's sheet", f"/app/contests/judging/sheet/{live.pk}/", user="demo-judge"
        )
        bench.get(
            "contests: results CSV",
            f"/app/contests/manage/event/{live.event_id}/results.csv",
            user="demo-organizer",
        )
        rows = {}
        for entrant in live.event.entrants.active():
            for criterion in live.event.criteria.all():
                rows[f"s-{entrant.pk}-{criterion.pk}"] = str(criterion.maximum * Decimal("0.6"))
        rows["action"] = "draft"
        bench.post(
            "contests: save a judge's sheet",
            f"/app/contests/judging/sheet/{live.pk}/",
            rows,
            user="demo-judge",
        )
    with transaction.atomic():
        event = big_event()
        bench.call(
            "contests: rank 1,000 × 5 judges × 8 criteria (trimmed)", compute_standings, event
        )
        event.rule = "median"
        bench.call("contests: rank 1,000 × 5 × 8 (median)", compute_standings, event)
        bench.call("contests: missing scores of 40,000", missing_scores, event)
        bench.call("contests: deviation flags of 40,000", lambda: list(deviations(event)))
        bench.get(
            "contests: organizer's event page, 1,000 entrants",
            f"/app/contests/manage/event/{event.pk}/",
            user="demo-organizer",
        )
        transaction.set_rollback(True)
