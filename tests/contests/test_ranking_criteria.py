"""Each criterion's result beside the total, and how a tie on the total was broken: on the
organizer's event page and in the CSV and XLSX exports."""

import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from contests.services.ranking import compute_standings, rank_event
from tests.contests.helpers import fill, ready_event
from tests.contests.test_ranking import build, by_bib

pytestmark = pytest.mark.django_db


def tie_event(contest):
    # Totals: A 45+40 = 85, B 40+45 = 85, C 42.5+42.5 = 85, D 42.5+42.5 = 85, E 10+10 = 20.
    # Tie-break 1 = 尺寸精度 (higher first): B 45 > C = D 42.5 > A 40; C and D still tied.
    return build(
        contest,
        "mean",
        [("工艺", "1", None), ("尺寸精度", "1", 1)],
        ["A", "B", "C", "D", "E"],
        {
            "A": {"工艺": [45, 45], "尺寸精度": [40, 40]},
            "B": {"工艺": [40, 40], "尺寸精度": [45, 45]},
            "C": {"工艺": [42, 43], "尺寸精度": [42, 43]},
            "D": {"工艺": [42.5, 42.5], "尺寸精度": [42.5, 42.5]},
            "E": {"工艺": [10, 10], "尺寸精度": [10, 10]},
        },
    )


def test_each_criterion_result_equals_the_hand_computed_one(contest):
    # Trimmed: 操作 90 80 85 70 95 -> (90+80+85)/3 = 85; 理论 10 9.5 9 8 10 -> 9.5.
    # Second entrant: 操作 60 61 62 63 64 -> 62; 理论 7 7.01 7.02 7.5 6 -> 21.03/3 = 7.01.
    event = build(
        contest,
        "trimmed",
        [("操作", "0.6", None), ("理论", "0.4", None)],
        ["001", "002"],
        {
            "001": {"操作": [90, 80, 85, 70, 95], "理论": [10, 9.5, 9, 8, 10]},
            "002": {"操作": [60, 61, 62, 63, 64], "理论": [7, 7.01, 7.02, 7.5, 6]},
        },
    )
    criteria, standings = rank_event(event)
    assert [c.name for c in criteria] == ["操作", "理论"]
    rows = by_bib(standings)
    assert rows["001"].results_exact == (Decimal(85), Decimal("9.5"))
    assert rows["001"].results == [Decimal("85.00"), Decimal("9.50")]
    assert rows["002"].results == [Decimal("62.00"), Decimal("7.01")]
    # The totals are still the weighted sums: 0.6 × 85 + 0.4 × 9.5 = 54.8
    assert rows["001"].total_exact == Decimal("54.8")


def test_a_criterion_without_a_result_is_empty_and_an_inactive_entrant_has_none(contest):
    event = build(
        contest,
        "mean",
        [("作品", "1", None), ("理论", "1", None)],
        ["001", "002"],
        {"001": {"作品": [80, 81]}},
        statuses={"002": "absent"},
    )
    rows = by_bib(compute_standings(event))
    assert rows["001"].results == [Decimal("80.50"), None]
    assert rows["002"].results == [None, None]


def test_the_tie_explanation_names_the_criterion_and_both_results(contest):
    event = tie_event(contest)
    with translation.override("en"):
        rows = by_bib(compute_standings(event))
    assert [rows[b].rank for b in "BCDAE"] == [1, 2, 2, 4, 5]
    assert rows["B"].tie_note == ""
    assert rows["C"].tie_note == "tie with No. B broken by 尺寸精度: 45.00 vs 42.50"
    assert rows["D"].tie_note == "tied with No. C on every tie-break criterion: rank shared"
    assert rows["A"].tie_note == "tie with No. D broken by 尺寸精度: 42.50 vs 40.00"
    assert rows["E"].tie_note == ""


def test_a_second_tie_break_and_results_that_round_alike(contest):
    # 实操 equal; 理论: X (80+80+80.99)/3 = 80.33, Y (80+80+81)/3 = 80.333..: both "80.33"
    # rounded, so the note shows enough decimals to tell them apart. 作品 evens the totals:
    # X 80.33 + 10.00333.. = Y 80.33333.. + 10.
    event = build(
        contest,
        "mean",
        [("实操", "1", 1), ("理论", "1", 2), ("作品", "1", None)],
        ["X", "Y"],
        {
            "X": {"实操": [50, 50, 50], "理论": [80, 80, 80.99], "作品": [10.01, 10, 10]},
            "Y": {"实操": [50, 50, 50], "理论": [80, 80, 81], "作品": [10, 10, 10]},
        },
    )
    with translation.override("en"):
        rows = by_bib(compute_standings(event))
    assert rows["X"].total_exact == rows["Y"].total_exact
    assert rows["Y"].rank == 1 and rows["X"].rank == 2
    assert rows["X"].tie_note == "tie with No. Y broken by 理论: 80.333 vs 80.330"


def test_the_organizer_sees_results_per_criterion_and_the_tie_note(client, contest, organizer):
    event = tie_event(contest)
    client.force_login(organizer)
    html = client.get(f"/en/app/contests/manage/event/{event.pk}/").content.decode()
    assert "尺寸精度" in html and "工艺" in html
    assert "tie with No. B broken by 尺寸精度: 45.00 vs 42.50" in html
    assert "42.50" in html and "85.00" in html
    zh = client.get(f"/app/contests/manage/event/{event.pk}/").content.decode()
    assert "与 B 号同分，按尺寸精度决出：45.00 对 42.50" in zh


def test_exports_carry_each_criterion_and_the_tie_note(client, contest, organizer):
    event = tie_event(contest)
    client.force_login(organizer)
    response = client.get(f"/en/app/contests/manage/event/{event.pk}/results.csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "rank,bib,name,unit,工艺,尺寸精度,total,award,tie-break"
    assert lines[1].startswith("1,B,选手B,")
    assert lines[1].split(",")[4:7] == ["40.00", "45.00", "85.00"]
    assert lines[2].endswith(",tie with No. B broken by 尺寸精度: 45.00 vs 42.50")
    response = client.get(f"/en/app/contests/manage/event/{event.pk}/results.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    title, *rows = list(sheet.iter_rows(values_only=True))
    assert title[0].startswith("Working draft · computed from the scores at ")
    assert list(rows[0]) == [
        "rank", "bib", "name", "unit", "工艺", "尺寸精度", "total", "award", "tie-break"
    ]  # fmt: skip
    assert rows[4][:7] == (4, "A", "选手A", rows[4][3], 45, 40, 85)
    assert rows[4][8] == "tie with No. D broken by 尺寸精度: 42.50 vs 40.00"
    assert sheet.cell(row=3, column=5).number_format == "0.00"
    assert sheet.freeze_panes == "A3"


def test_the_event_page_query_count_does_not_grow_with_entrants(
    client, contest, organizer, django_assert_max_num_queries
):
    counts = []
    for name, size in (("A", 2), ("B", 25)):
        event, sheets = ready_event(contest, entrants=size, name=name)
        fill(event, sheets)
        client.force_login(organizer)
        client.get(f"/app/contests/manage/event/{event.pk}/")
        with django_assert_max_num_queries(40) as ctx:
            assert client.get(f"/app/contests/manage/event/{event.pk}/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
