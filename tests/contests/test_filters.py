"""The query-parameter filters: what they match, and what they refuse (400 on the index)."""

import pytest

from tests.contests.helpers import ready_event
from tests.factories.contests import make_contest

pytestmark = pytest.mark.django_db


def titles(response):
    return [contest.title for contest in response.context["contests"]]


def test_contest_index_filters_by_year_level_and_type(client, index):
    make_contest(index, title="甲", year=2023, level="town", contest_type="skills")
    make_contest(index, title="乙", year=2024, level="district", contest_type="qunying")
    make_contest(index, title="丙", year=2024, level="town", contest_type="skills")
    assert sorted(titles(client.get("/contests/?year=2024"))) == ["丙", "乙"]
    assert titles(client.get("/contests/?year=2024&level=town")) == ["丙"]
    assert titles(client.get("/contests/?type=qunying")) == ["乙"]
    response = client.get("/contests/?year=02024&type=skills")
    assert response.status_code == 200 and titles(response) == ["丙"]
    assert response.context["selected"] == {"year": 2024, "level": "", "type": "skills"}


@pytest.mark.parametrize("query", ["year=abc", "year=1999", "level=galaxy", "type=x", "year=2o24"])
def test_a_filter_value_not_understood_is_ignored_and_answered_400(client, index, query):
    make_contest(index, title="甲", year=2023, level="town")
    make_contest(index, title="乙", year=2024, level="district")
    response = client.get(f"/contests/?{query}&level=town")
    if query.startswith("level"):
        response = client.get(f"/contests/?{query}")
        assert sorted(titles(response)) == ["乙", "甲"]
    else:
        assert titles(response) == ["甲"]  # the filters understood still apply
    assert response.status_code == 400
    assert response.context["bad_filter"]


def test_entrant_search_finds_names_units_and_exact_numbers(client, contest, organizer):
    event, _sheets = ready_event(contest, entrants=12)
    client.force_login(organizer)
    url = f"/app/contests/manage/event/{event.pk}/entrants/"

    def bibs(query):
        response = client.get(url, {"q": query})
        assert response.status_code == 200
        return [entrant.bib for entrant in response.context["entrants"]], response

    assert bibs("选手1")[0] == ["001", "010", "011", "012"]
    assert bibs("002")[0] == ["002"]
    assert bibs("00")[0] == []  # numbers match exactly
    found, response = bibs("  选手\x0012  ")
    assert found == ["012"] and response.context["query"] == "选手12"
    assert len(bibs("选" * 100)[1].context["query"]) == 60
