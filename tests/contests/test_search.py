"""The site search finds an entrant only in results the public can read: public notice or
final, from the page's own snapshot; never from provisional results, never by phone."""

import re

import pytest

from contests.models import Entrant, ResultsPage
from contests.services.publishing import (
    publish_correction,
    publish_provisional,
    start_public_notice,
)
from tests.contests.helpers import fill, ready_event

pytestmark = pytest.mark.django_db


def found(client, q):
    html = client.get("/search/", {"q": q}).content.decode()
    return html, 'id="search-group-results"' in html


def test_an_entrant_is_found_once_the_results_are_public(client, contest, organizer):
    event, sheets = ready_event(contest, name="钳工")
    Entrant.objects.filter(event=event, bib="001").update(name="濮阳试名", phone="13912345678")
    fill(event, sheets)

    publish_provisional(event, organizer)
    assert not ResultsPage.objects.get(event=event).live
    html, any_results = found(client, "濮阳试名")
    assert not any_results and "没有找到" in html

    page = start_public_notice(event, organizer)
    html, any_results = found(client, "濮阳")
    assert any_results and page.url in html
    assert re.search(r"第\d+名 · <mark>濮阳</mark>试名 · ", html)  # rank, name, unit
    assert "13912345678" not in html
    _html, by_phone = found(client, "13912345678")
    assert not by_phone

    Entrant.objects.filter(event=event, bib="001").update(name="濮阳新名")
    publish_correction(event, organizer, "姓名录入有误")
    assert found(client, "濮阳新名")[1]
    assert not found(client, "濮阳试名")[1]  # the old name is in no published snapshot


def test_the_event_name_finds_the_results_and_the_contest(client, contest, organizer):
    event, sheets = ready_event(contest, name="钳工")
    fill(event, sheets)
    publish_provisional(event, organizer)
    html, any_results = found(client, "钳工")
    assert not any_results and contest.url in html  # the contest lists its events
    start_public_notice(event, organizer)
    html, any_results = found(client, "钳工")
    assert any_results
