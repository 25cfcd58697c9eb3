"""The organizer's judge × entrant grids: the score matrix per criterion with the deviation
flags in place, and the completion grid."""

import re
from decimal import Decimal

import pytest

from contests.models import Score
from tests.contests.helpers import fill, ready_event
from tests.factories.contests import make_contest

pytestmark = pytest.mark.django_db


def cells_of(html, bib):
    """The cells of an entrant's row, as text, without tags."""
    row = re.search(rf'<th scope="row" class="entrant">{bib}<br>.*?</tr>', html, re.S).group(0)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def test_the_matrix_shows_each_judges_score_and_flags_the_outlier_in_place(
    client, contest, organizer
):
    event, sheets = ready_event(contest, entrants=2, judges=5, rule="trimmed")
    event.deviation_threshold = Decimal("5")
    event.save()
    fill(event, sheets)  # entrant 001: 80 81 82 83 84; entrant 002: 75 76 77 78 79
    Score.objects.filter(sheet=sheets[4], criterion__name="实操", entrant__bib="001").update(
        points=40
    )
    practical = event.criteria.get(name="实操")
    client.force_login(organizer)
    html = client.get(
        f"/en/app/contests/manage/event/{event.pk}/matrix/?criterion={practical.pk}"
    ).content.decode()
    # Trimmed panel mean of 001 without 40 and 83: (80 + 81 + 82) / 3 = 81.00
    assert cells_of(html, "001") == [
        *["80.00", "81.00", "82.00", "83.00"],
        "⚑ Flagged: 40.00",
        "81.00",
    ]
    assert cells_of(html, "002") == ["75.00", "76.00", "77.00", "78.00", "79.00", "77.00"]
    assert html.count('class="num cell--flag"') == 1
    theory = event.criteria.get(name="理论")
    html = client.get(
        f"/en/app/contests/manage/event/{event.pk}/matrix/?criterion={theory.pk}"
    ).content.decode()
    assert cells_of(html, "001")[4] == "84.00" and "cell--flag" not in html
    event_page = client.get(f"/app/contests/manage/event/{event.pk}/").content.decode()
    assert f"/app/contests/manage/event/{event.pk}/matrix/" in event_page


def test_the_matrix_shows_empty_cells_and_inactive_entrants(client, contest, organizer):
    event, sheets = ready_event(contest, entrants=2, judges=3, rule="mean")
    event.entrants.filter(bib="002").update(status="absent")
    practical = event.criteria.get(name="实操")
    Score.objects.create(sheet=sheets[1], entrant=event.entrants.get(bib="001"),
                         criterion=practical, points=Decimal("66.5"))  # fmt: skip
    client.force_login(organizer)
    html = client.get(f"/en/app/contests/manage/event/{event.pk}/matrix/").content.decode()
    assert cells_of(html, "001") == ["—", "66.50", "—", "66.50"]
    assert cells_of(html, "002") == ["Absent"]


def test_the_matrix_query_count_does_not_grow_with_entrants(
    client, contest, organizer, django_assert_max_num_queries
):
    counts = []
    for name, size in (("A", 2), ("B", 30)):
        event, sheets = ready_event(contest, entrants=size, judges=4, name=name)
        fill(event, sheets)
        client.force_login(organizer)
        url = f"/app/contests/manage/event/{event.pk}/matrix/"
        client.get(url)
        with django_assert_max_num_queries(25) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_the_matrix_is_the_organizers_only(client, contest, organizer, index, user_factory):
    event, sheets = ready_event(contest)
    url = f"/app/contests/manage/event/{event.pk}/matrix/"
    other = user_factory(username="org-b", role="organizer")
    make_contest(index, title="另一比赛", organizers=[other])
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(sheets[0].judge)
    assert client.get(url).status_code == 403
    client.force_login(organizer)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("query", ["?criterion=abc", "?criterion=999999", "?page=zz", "?page=9"])
def test_a_bad_criterion_or_page_is_not_found(client, contest, organizer, query):
    event, sheets = ready_event(contest)
    client.force_login(organizer)
    url = f"/app/contests/manage/event/{event.pk}/matrix/{query}"
    assert client.get(url).status_code == 404


def test_another_events_criterion_is_not_found(client, contest, organizer):
    event, sheets = ready_event(contest)
    other, _sheets = ready_event(contest, name="男装")
    client.force_login(organizer)
    foreign = other.criteria.first().pk
    url = f"/app/contests/manage/event/{event.pk}/matrix/?criterion={foreign}"
    assert client.get(url).status_code == 404


def grid_cells(html, bib):
    row = re.search(rf'<th scope="row" class="entrant">{bib}</th>.*?</tr>', html, re.S).group(0)
    return re.findall(r'<td class="state state--(\w+)">(.*?)</td>', row, re.S)


def test_the_completion_grid_says_empty_draft_and_submitted_per_judge_and_entrant(
    client, contest, organizer
):
    event, sheets = ready_event(contest, entrants=2, judges=3, rule="mean")
    first, second = event.entrants.order_by("bib")
    practical, theory = event.criteria.order_by("position", "id")
    Score.objects.create(sheet=sheets[0], entrant=first, criterion=practical, points=80)
    for entrant in (first, second):
        for criterion in (practical, theory):
            Score.objects.create(sheet=sheets[1], entrant=entrant, criterion=criterion, points=7)
    sheets[1].submitted_at = sheets[1].updated_at
    sheets[1].save()
    client.force_login(organizer)
    for url in (
        f"/en/app/contests/manage/event/{event.pk}/completion/",
        f"/en/app/contests/manage/event/{event.pk}/",
    ):
        html = client.get(url).content.decode()
        assert grid_cells(html, "001") == [
            ("draft", "Draft 1/2"),
            ("submitted", "Submitted"),
            ("empty", "Empty 0/2"),
        ]
        assert grid_cells(html, "002") == [
            ("empty", "Empty 0/2"),
            ("submitted", "Submitted"),
            ("empty", "Empty 0/2"),
        ]
    page = client.get(f"/en/app/contests/manage/event/{event.pk}/").content.decode()
    assert f'data-refresh-url="/en/app/contests/manage/event/{event.pk}/completion/?grid=1"' in page
    assert "contests/refresh" in page
    # The flat list of missing scores is gone; the count stays.
    assert "No. 001 ·" not in page and "7 scores are missing" in page


def test_the_completion_grid_fills_as_a_judge_saves(client, contest, organizer):
    event, sheets = ready_event(contest, entrants=1, judges=1, rule="mean")
    url = f"/en/app/contests/manage/event/{event.pk}/completion/"
    client.force_login(organizer)
    assert grid_cells(client.get(url).content.decode(), "001") == [("empty", "Empty 0/2")]
    judge = sheets[0].judge
    judge_client = type(client)()
    judge_client.force_login(judge)
    entrant = event.entrants.get()
    data = {f"s-{entrant.pk}-{c.pk}": "9" for c in event.criteria.all()}
    response = judge_client.post(
        f"/app/contests/judging/sheet/{sheets[0].pk}/", {**data, "action": "draft"}
    )
    assert response.status_code == 302
    assert grid_cells(client.get(url).content.decode(), "001") == [("draft", "Draft")]
    judge_client.post(f"/app/contests/judging/sheet/{sheets[0].pk}/", {**data, "action": "submit"})
    assert grid_cells(client.get(url).content.decode(), "001") == [("submitted", "Submitted")]


def test_the_completion_grid_query_count_does_not_grow_with_entrants(
    client, contest, organizer, django_assert_max_num_queries
):
    counts = []
    for name, size in (("A", 2), ("B", 30)):
        event, sheets = ready_event(contest, entrants=size, judges=4, name=name)
        fill(event, sheets)
        client.force_login(organizer)
        url = f"/app/contests/manage/event/{event.pk}/completion/"
        client.get(url)
        with django_assert_max_num_queries(15) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_the_completion_grid_is_the_organizers_only(client, contest, index, user_factory):
    event, sheets = ready_event(contest)
    url = f"/app/contests/manage/event/{event.pk}/completion/"
    other = user_factory(username="org-c", role="organizer")
    make_contest(index, title="别的比赛", organizers=[other])
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(sheets[0].judge)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
