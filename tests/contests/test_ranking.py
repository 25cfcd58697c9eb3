"""The ranking rules of issue 5 on hand-computed cases; runs on SQLite and PostgreSQL."""

from decimal import Decimal

import pytest

from contests.services.ranking import (
    award_for,
    check_rule,
    compute_standings,
    missing_scores,
    publishable,
)
from core.refusals import Refused
from tests.factories.contests import (
    AwardTierFactory,
    CriterionFactory,
    EntrantFactory,
    EventFactory,
    score_grid,
)

pytestmark = pytest.mark.django_db


def build(contest, rule, criteria, bibs, table, tiers=(), minimum=None, statuses=None):
    event = EventFactory(contest=contest, rule=rule, minimum_total=minimum)
    for position, (name, weight, tie_break) in enumerate(criteria):
        CriterionFactory(
            event=event,
            name=name,
            weight=Decimal(weight),
            tie_break=tie_break,
            position=position,
        )
    for bib in bibs:
        EntrantFactory(
            event=event, bib=bib, name=f"选手{bib}", status=(statuses or {}).get(bib, "active")
        )
    for position, (name, count) in enumerate(tiers):
        AwardTierFactory(event=event, name=name, count=count, position=position)
    score_grid(event, table)
    return event


def by_bib(standings):
    return {s.bib: s for s in standings}


def test_trimmed_mean_drops_one_highest_and_one_lowest(contest):
    # 5 judges: 90 80 85 70 95 -> drop 95 and 70 -> (90+80+85)/3 = 85
    # weight 0.6 -> 51; second criterion 10, 9.5, 9, 8, 10 -> drop 10 & 8 -> (9.5+9+10)/3 = 9.5
    # weight 0.4 -> 3.8 ; total 54.8
    event = build(
        contest,
        "trimmed",
        [("操作", "0.6", None), ("理论", "0.4", None)],
        ["001"],
        {"001": {"操作": [90, 80, 85, 70, 95], "理论": [10, 9.5, 9, 8, 10]}},
    )
    (row,) = compute_standings(event)
    assert row.total_exact == Decimal("54.8")
    assert row.total == Decimal("54.80")
    assert row.rank == 1


def test_trimmed_mean_keeps_repeating_decimals_exact_and_rounds_half_up(contest):
    # 4 judges: 80 81 81 83 -> drop 80, 83 -> 81; and 7.01 7.02 7.04 7.05 7.06 (5 judges
    # on a second criterion is impossible: same panel) -> use 3 judges on one criterion:
    # mean rule: (85 + 85.01 + 85.01) / 3 = 85.00666..., shown 85.01
    event = build(
        contest,
        "mean",
        [("作品", "1", None)],
        ["001", "002"],
        {"001": {"作品": [85, 85.01, 85.01]}, "002": {"作品": [85.005, 85, 85]}},
    )
    rows = by_bib(compute_standings(event))
    assert rows["001"].total_exact * 3 == Decimal("255.02")
    assert rows["001"].total == Decimal("85.01")
    # 85.005 has 3 decimals: stored as 85.01 by the 2-decimal field -> (85.01+85+85)/3
    assert rows["002"].total == Decimal("85.00")


def test_half_up_rounding_of_an_exact_half(contest):
    # weight 0.5 × 80.25 = 40.125 -> shown 40.13 (half up, not banker's 40.12)
    event = build(contest, "mean", [("作品", "0.5", None)], ["001"], {"001": {"作品": [80.25]}})
    (row,) = compute_standings(event)
    assert row.total_exact == Decimal("40.125")
    assert row.total == Decimal("40.13")


def test_median_of_odd_and_even_counts(contest):
    odd = build(contest, "median", [("作品", "1", None)], ["001"], {"001": {"作品": [70, 95, 80]}})
    assert compute_standings(odd)[0].total == Decimal("80.00")
    even = build(
        contest, "median", [("作品", "1", None)], ["001"], {"001": {"作品": [70, 95, 80, 81.5]}}
    )
    # sorted 70 80 81.5 95 -> (80 + 81.5) / 2 = 80.75
    assert compute_standings(even)[0].total_exact == Decimal("80.75")


def test_median_with_equal_scores(contest):
    event = build(
        contest, "median", [("作品", "1", None)], ["001"], {"001": {"作品": [80, 80, 90, 90]}}
    )
    assert compute_standings(event)[0].total == Decimal("85.00")


def test_ties_share_a_rank_and_the_next_rank_skips(contest):
    event = build(
        contest,
        "mean",
        [("作品", "1", None)],
        ["001", "002", "003", "004"],
        {
            "001": {"作品": [90, 90]},
            "002": {"作品": [85, 87]},  # 86
            "003": {"作品": [86, 86]},  # 86
            "004": {"作品": [80, 81]},
        },
    )
    rows = by_bib(compute_standings(event))
    assert [rows[b].rank for b in ("001", "002", "003", "004")] == [1, 2, 2, 4]


def test_tie_break_criteria_in_order_higher_result_first(contest):
    # totals equal (weights 1): A 50+40, B 40+50, C 45+45. Tie-break 1 = 实操, then 理论.
    event = build(
        contest,
        "mean",
        [("理论", "1", 2), ("实操", "1", 1)],
        ["A", "B", "C", "D"],
        {
            "A": {"理论": [50], "实操": [40]},
            "B": {"理论": [40], "实操": [50]},
            "C": {"理论": [45], "实操": [45]},
            "D": {"理论": [45], "实操": [45]},
        },
    )
    rows = by_bib(compute_standings(event))
    assert rows["B"].rank == 1
    assert rows["C"].rank == rows["D"].rank == 2  # still tied: shared
    assert rows["A"].rank == 4


def test_tie_break_uses_exact_results_not_rounded(contest):
    # 实操 results: X (80+80+81)/3 = 80.333..., Y (80+80.5+80.5)/3 = 80.333... -> equal exactly
    event = build(
        contest,
        "mean",
        [("实操", "1", 1), ("理论", "0", None) if False else ("理论", "1", None)],
        ["X", "Y"],
        {
            "X": {"实操": [80, 80, 81], "理论": [10, 10, 10]},
            "Y": {"实操": [80, 80.5, 80.5], "理论": [10, 10, 10]},
        },
    )
    rows = by_bib(compute_standings(event))
    assert rows["X"].rank == rows["Y"].rank == 1
    assert rows["X"].total_exact == rows["Y"].total_exact


def test_awards_by_running_count_shared_by_ties_and_minimum_total(contest):
    # tiers: 一等奖 1, 二等奖 2, 三等奖 3 -> running 1, 3, 6
    # ranks: 1, 2, 3, 3, 5, 6, 6, 8 -> 一, 二, 二, 二, 三, 三, 三, none
    totals = [95, 90, 88, 88, 80, 70, 70, 55]
    bibs = [f"{i:03d}" for i in range(1, 9)]
    event = build(
        contest,
        "mean",
        [("作品", "1", None)],
        bibs,
        {bib: {"作品": [t]} for bib, t in zip(bibs, totals, strict=True)},
        tiers=[("一等奖", 1), ("二等奖", 2), ("三等奖", 3)],
        minimum=Decimal("71"),
    )
    rows = compute_standings(event)
    assert [r.rank for r in rows] == [1, 2, 3, 3, 5, 6, 6, 8]
    # the two tied at rank 6 reach tier 3 but are below the minimum total 71
    assert [r.award for r in rows] == ["一等奖", "二等奖", "二等奖", "二等奖", "三等奖", "", "", ""]


def test_award_boundary_without_minimum():
    tiers = [("一等奖", 1), ("二等奖", 2)]
    assert award_for(1, Decimal(1), tiers, None) == "一等奖"
    assert award_for(3, Decimal(1), tiers, None) == "二等奖"
    assert award_for(4, Decimal(1), tiers, None) == ""
    assert award_for(3, Decimal("59.99"), tiers, Decimal("60")) == ""
    assert award_for(3, Decimal("60"), tiers, Decimal("60")) == "二等奖"


def test_absent_and_disqualified_listed_after_without_rank_or_award(contest):
    event = build(
        contest,
        "mean",
        [("作品", "1", None)],
        ["001", "002", "003"],
        {"001": {"作品": [60]}, "003": {"作品": [99]}},
        tiers=[("一等奖", 3)],
        statuses={"002": "absent", "003": "disqualified"},
    )
    rows = compute_standings(event)
    assert [(r.bib, r.rank, r.award) for r in rows] == [
        ("001", 1, "一等奖"),
        ("002", None, ""),
        ("003", None, ""),
    ]


def test_trimmed_rule_needs_three_judges(contest):
    event = build(contest, "trimmed", [("作品", "1", None)], ["001"], {"001": {"作品": [80, 90]}})
    with pytest.raises(Refused, match="3"):
        check_rule(event)
    with pytest.raises(Refused):
        publishable(event)


def test_missing_scores_block_publishing_and_are_listed(contest):
    event = build(
        contest,
        "mean",
        [("作品", "1", None), ("理论", "1", None)],
        ["001", "002"],
        {"001": {"作品": [80, 81], "理论": [9, None]}, "002": {"作品": [70, 71], "理论": [8, 8]}},
    )
    count, rows = missing_scores(event)
    assert count == 1
    assert rows[0]["bib"] == "001" and rows[0]["criterion"] == "理论"
    with pytest.raises(Refused, match="1"):
        publishable(event)


def test_ranking_runs_a_constant_number_of_queries(contest, django_assert_num_queries):
    small = build(contest, "median", [("作品", "1", 1)], ["001"], {"001": {"作品": [1, 2, 3]}})
    bibs = [f"{i:03d}" for i in range(40)]
    big = build(
        contest,
        "median",
        [("作品", "1", 1), ("理论", "1", None)],
        bibs,
        {b: {"作品": [1, 2, 3, 4, 5], "理论": [5, 4, 3, 2, 1]} for b in bibs},
    )
    with django_assert_num_queries(4):
        compute_standings(small)
    with django_assert_num_queries(4):
        compute_standings(big)
