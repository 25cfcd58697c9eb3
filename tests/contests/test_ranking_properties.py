"""The ranking in the database agrees with a plain-Python reading of the rules, on events that
Hypothesis makes up: 3 to 12 judges, weights with 3 decimals, tie-break criteria, missing
scores, ties, absent and disqualified entrants. Runs on SQLite and PostgreSQL.

The rules, as README.md states them: the judges' scores per criterion combine by the event's
rule (mean; trimmed: drop one highest and one lowest, needs 3 scores; median: the middle
score, or the mean of the two middle ones); the total is the sum of those results × weights,
kept exact and shown rounded half-up to 2 decimals; ranks go by total, then the tie-break
criteria in order (higher first, a missing result last, as a missing total), and entrants still
tied share a rank (1, 2, 2, 4); awards go by rank, tied entrants share one, none below the
minimum total; absent and disqualified entrants are listed last, unranked.
"""

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from contests.models import MAX_JUDGES, AwardTier, Criterion, Entrant, Event, Score, Sheet
from contests.services.ranking import compute_standings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# ------------------------------------------------------------------ the reference


def combine(rule, points):
    """One entrant's result on one criterion from the scores present, or None."""
    n = len(points)
    if rule == "mean":
        return sum(points) / n if n else None
    if rule == "trimmed":
        return (sum(points) - max(points) - min(points)) / (n - 2) if n >= 3 else None
    ordered = sorted(points)
    if not n:
        return None
    middle = n // 2
    return ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def half_up(value):
    """A non-negative Fraction rounded half-up to 2 decimals."""
    return Decimal(math.floor(value * 100 + Fraction(1, 2))).scaleb(-2)


def reference(rule, spec):
    """[(bib, rank, total shown, exact total, award)] in the order the standings list them."""
    criteria = spec["criteria"]
    tie_breaks = sorted(
        (order, position) for position, (_w, order) in enumerate(criteria) if order is not None
    )
    rows = []
    for index, (status, cells) in enumerate(spec["entrants"]):
        if status != "active":
            continue
        results = [
            combine(rule, [Fraction(p, 100) for p in cell if p is not None]) for cell in cells
        ]
        weighted = [
            result * Fraction(weight, 1000)
            for result, (weight, _order) in zip(results, criteria, strict=True)
            if result is not None
        ]
        total = sum(weighted) if weighted else None
        missing = Fraction(-1)  # after any result, as a missing total
        key = (
            missing if total is None else total,
            *(missing if results[p] is None else results[p] for _o, p in tie_breaks),
        )
        rows.append({"bib": bib(index), "total": total, "key": key})
    tiers = spec["tiers"]
    minimum = None if spec["minimum"] is None else Fraction(spec["minimum"], 100)
    for row in rows:
        row["rank"] = (
            None
            if row["total"] is None
            else 1 + sum(1 for other in rows if other["key"] > row["key"])
        )
        row["award"] = ""
        if row["rank"] is not None and (minimum is None or row["total"] >= minimum):
            running = 0
            for position, count in enumerate(tiers):
                running += count
                if running >= row["rank"]:
                    row["award"] = tier_name(position)
                    break
    rows.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0, row["bib"]))
    inactive = sorted(
        bib(index) for index, (status, _c) in enumerate(spec["entrants"]) if status != "active"
    )
    listed = [
        (
            row["bib"],
            row["rank"],
            None if row["total"] is None else half_up(row["total"]),
            row["total"],
            row["award"],
        )
        for row in rows
    ]
    return listed + [(b, None, None, None, "") for b in inactive]


def bib(index):
    return f"{index + 1:03d}"


def tier_name(position):
    return ["一等奖", "二等奖", "三等奖"][position]


# ------------------------------------------------------------------ the events

SCORE = st.one_of(
    st.integers(0, 10_000),  # hundredths: any 2-decimal score from 0 to 100
    st.sampled_from([0, 6_000, 7_050, 8_000, 8_000, 9_999, 10_000]),  # repeats make ties
)
WEIGHT = st.one_of(st.integers(1, 100_000), st.sampled_from([1_000, 500, 333, 1]))  # 1/1000s


@st.composite
def events(draw):
    judges = draw(st.integers(3, MAX_JUDGES))
    count = draw(st.integers(1, 3))
    orders = draw(st.permutations(range(1, count + 1)))
    criteria = [(draw(WEIGHT), order if draw(st.booleans()) else None) for order in orders[:count]]
    entrants = []
    for index in range(draw(st.integers(1, 7))):
        status = draw(st.sampled_from(["active", "active", "active", "absent", "disqualified"]))
        source = draw(st.none() | st.integers(0, index - 1)) if index else None
        if source is not None:
            # Another entrant's scores (a tie), or theirs across the criteria reversed (equal
            # totals when the weights are equal, told apart by the tie-break criteria).
            cells = entrants[source][1]
            cells = list(reversed(cells)) if draw(st.booleans()) else list(cells)
        elif draw(st.booleans()):
            cells = [draw(st.lists(SCORE, min_size=judges, max_size=judges)) for _ in criteria]
        else:  # some scores missing
            cell = st.lists(st.none() | SCORE, min_size=judges, max_size=judges)
            cells = [draw(cell) for _ in criteria]
        entrants.append((status, cells))
    return {
        "judges": judges,
        "criteria": criteria,
        "entrants": entrants,
        "tiers": draw(st.lists(st.integers(1, 3), max_size=3)),
        "minimum": draw(st.none() | st.integers(0, 20_000)),
    }


def explicit(judges):
    """A fixed event with ``judges`` judges: full ties, equal totals told apart by a tie-break
    result of 0 against a missing one, a cell too short for the trimmed mean."""
    full = [8_000 + 50 * j for j in range(judges)]
    gaps = [None if j % 3 == 0 else 7_000 + j for j in range(judges)]
    nothing = [None] * judges
    return {
        "judges": judges,
        "criteria": [(333, 2), (1_000, None), (333, 1)],
        "entrants": [
            ("active", [full, full, list(reversed(full))]),
            ("active", [full, full, full]),  # tied with 001 on everything
            ("active", [gaps, full, [0] * judges]),
            ("active", [gaps, full, nothing]),  # 003's total; tie-break 1 missing: after 003
            ("absent", [full, full, full]),
            ("active", [nothing] * 3),  # no score at all: unranked
            ("disqualified", [full, gaps, full]),
            ("active", [gaps, nothing[2:] + [9_000, 9_000], full]),  # 2 scores on one criterion
        ],
        "tiers": [1, 2],
        "minimum": 12_000,
    }


# ------------------------------------------------------------------ the property


def build(contest, rule, spec, judges):
    event = Event.objects.create(
        contest=contest,
        name=f"项目{Event.objects.count() + 1}",
        rule=rule,
        minimum_total=None if spec["minimum"] is None else Decimal(spec["minimum"]).scaleb(-2),
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(
            event=event,
            position=position,
            name=f"评分项{position}",
            maximum=Decimal("100"),
            weight=Decimal(weight).scaleb(-3),
            tie_break=order,
        )
        for position, (weight, order) in enumerate(spec["criteria"])
    )
    AwardTier.objects.bulk_create(
        AwardTier(event=event, position=position, name=tier_name(position), count=count)
        for position, count in enumerate(spec["tiers"])
    )
    entrants = Entrant.objects.bulk_create(
        Entrant(event=event, bib=bib(index), name=f"选手{index}", unit="某公司", status=status)
        for index, (status, _cells) in enumerate(spec["entrants"])
    )
    sheets = Sheet.objects.bulk_create(
        Sheet(event=event, judge=judge) for judge in judges[: spec["judges"]]
    )
    Score.objects.bulk_create(
        Score(sheet=sheet, entrant=entrant, criterion=criterion, points=Decimal(p).scaleb(-2))
        for entrant, (_status, cells) in zip(entrants, spec["entrants"], strict=True)
        for criterion, cell in zip(criteria, cells, strict=True)
        for sheet, p in zip(sheets, cell, strict=True)
        if p is not None
    )
    return event


@pytest.fixture
def judges(db):
    return [UserFactory(username=f"prop-judge-{i}", role="judge") for i in range(MAX_JUDGES)]


@pytest.mark.parametrize("rule", ["mean", "trimmed", "median"])
@settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(spec=events())
@example(spec=explicit(7))
@example(spec=explicit(11))
@example(spec=explicit(12))
def test_database_ranking_matches_the_rules(contest, judges, rule, spec):
    event = build(contest, rule, spec, judges)
    expected = reference(rule, spec)
    standings = compute_standings(event)
    got = [(s.bib, s.rank, s.total, s.award) for s in standings]
    assert got == [(b, rank, shown, award) for b, rank, shown, _exact, award in expected]
    for standing, (_b, _r, _shown, exact, _a) in zip(standings, expected, strict=True):
        if exact is None:
            assert standing.total_exact is None
        else:  # Decimal division keeps 28 digits: equal to far below a hundredth
            assert abs(Fraction(standing.total_exact) - exact) < Fraction(1, 10**18)
