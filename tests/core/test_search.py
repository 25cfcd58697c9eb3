"""The public site search on the seeded demo: what it finds, what it never shows, its answers to
bad input and its cost."""

import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from academy.models import ProfilePage
from contests.models import ContestPage, Entrant, Event, ResultsPage, Stage
from core.search import HITS_PER_KIND, MAX_QUERY_LENGTH, PAGE_SIZE
from heritage.models import Child, CraftPage, LessonPage
from tests.factories.heritage import make_lesson

pytestmark = pytest.mark.django_db
QUERY_BUDGET = 15


def get(client, q, path="/search/", **params):
    return client.get(path, {"q": q, **params})


def html_of(response):
    return response.content.decode()


def hit_urls(response, kind=None):
    """The result links on the page, of one kind's group or of all."""
    soup = BeautifulSoup(html_of(response), "html.parser")
    groups = soup.select(f"#search-group-{kind}") if kind else soup.select(".search-group h2")
    urls = []
    for heading in groups:
        urls += [a["href"] for a in heading.find_parent("section").select(".search-hit > a")]
    return urls


def group_keys(response):
    soup = BeautifulSoup(html_of(response), "html.parser")
    return [
        section["aria-labelledby"].removeprefix("search-group-")
        for section in soup.select(".search-group")
    ]


def test_the_header_of_every_page_has_the_search_box(client, demo_data):
    for path, action in (("/", "/search/"), ("/heritage/", "/search/"), ("/en/", "/en/search/")):
        soup = BeautifulSoup(html_of(client.get(path)), "html.parser")
        form = soup.select_one("header form[role=search]")
        assert form is not None and form["action"] == action and form["method"] == "get"
        assert form.select_one("input[name=q]")["maxlength"] == str(MAX_QUERY_LENGTH)
        assert soup.select_one(f'footer a[href="{action}"]') is not None


def test_tie_dye_finds_the_lesson_and_the_craft_highlighted(client, demo_data):
    response = get(client, "扎染")
    assert response.status_code == 200
    html = html_of(response)
    lesson = LessonPage.objects.live().get(title="扎染初体验")
    craft = CraftPage.objects.get(title="蓝印扎染")
    assert lesson.url in hit_urls(response, "lessons")
    assert craft.url in hit_urls(response, "crafts")
    assert "<mark>扎染</mark>初体验" in html and "蓝印<mark>扎染</mark>" in html
    assert group_keys(response)[:2] == ["lessons", "crafts"]
    assert "课例" in html and "非遗项目" in html
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one(".search-hit p mark") is not None  # a snippet, highlighted


def test_a_trade_word_finds_the_people_of_that_trade(client, demo_data):
    for trade in ("根雕", "磨工"):
        people = ProfilePage.objects.live().filter(trade__name=trade)
        assert people.exists()
        response = get(client, trade)
        found = hit_urls(response, "people")
        assert {person.url for person in people[:5]} <= set(found), trade
        assert "<mark>" + trade + "</mark>" in html_of(response)


def test_a_fitter_finds_the_contest_and_its_results(client, demo_data):
    response = get(client, "钳工")
    assert response.status_code == 200
    results = ResultsPage.objects.live().filter(event__name="钳工")
    assert results.exists()
    assert {page.url for page in results} <= set(hit_urls(response, "results"))
    contests = ContestPage.objects.live().filter(events__name="钳工")
    assert {contest.url for contest in contests} <= set(hit_urls(response, "contests"))


def _rarest_published_name():
    """An entrant's name in published results that only few public results pages show."""
    pages = list(ResultsPage.objects.live().filter(stage__in=[Stage.NOTICE, Stage.FINAL]))
    counts = {}
    for page in pages:
        for row in page.standings:
            counts.setdefault(row["name"], set()).add(page.pk)
    name = min((n for n in counts if len(n) == 3), key=lambda n: (len(counts[n]), n))
    return name, ResultsPage.objects.filter(pk__in=counts[name])


def test_a_name_in_published_results_finds_the_results_page(client, demo_data):
    name, pages = _rarest_published_name()
    response = get(client, name)
    found = hit_urls(response, "results")
    assert {page.url for page in pages} <= set(found)
    assert f"<mark>{name}</mark>" in html_of(response)


def test_a_name_only_in_unpublished_results_is_not_found(client, demo_data):
    final = ResultsPage.objects.live().filter(stage=Stage.FINAL).select_related("event").first()
    contest = final.get_parent()
    hidden = "缪未公示"
    # an entrant of an event without results, and one in results that are only provisional
    bare = Event.objects.create(contest=ContestPage.objects.get(pk=contest.pk), name="无成绩项目")
    Entrant.objects.create(event=bare, bib="001", name=hidden + "甲", unit="某单位")
    draft_event = Event.objects.create(
        contest=ContestPage.objects.get(pk=contest.pk), name="初步项目"
    )
    entrant = Entrant.objects.create(
        event=draft_event, bib="001", name=hidden + "乙", unit="某单位"
    )
    row = {
        "entrant_id": entrant.pk,
        "rank": 1,
        "bib": "001",
        "name": entrant.name,
        "unit": "某单位",
        "status": "active",
        "total": "90.00",
        "award": "一等奖",
    }
    draft = ResultsPage(
        title="成绩：初步项目",
        slug="results-draft",
        event=draft_event,
        live=False,
        stage=Stage.PROVISIONAL,
        standings=[row],
    )
    contest.add_child(instance=draft)
    # even a live page left at the provisional stage shows nothing to the search
    live_event = Event.objects.create(
        contest=ContestPage.objects.get(pk=contest.pk), name="另一项目"
    )
    other = Entrant.objects.create(event=live_event, bib="001", name=hidden + "丙", unit="某单位")
    contest.add_child(
        instance=ResultsPage(
            title="成绩：另一项目",
            slug="results-live-provisional",
            event=live_event,
            stage=Stage.PROVISIONAL,
            standings=[{**row, "entrant_id": other.pk, "name": other.name}],
        )
    )
    # an entrant added to a published event after its results were published
    Entrant.objects.create(event=final.event, bib="999", name=hidden + "丁", unit="某单位")
    response = get(client, hidden)
    assert response.status_code == 200
    assert hit_urls(response) == []
    assert "没有找到" in html_of(response)


def test_a_childs_name_finds_nothing(client, demo_data):
    child = Child.objects.first()
    child.display_name = "童名测试甲"
    child.save()
    response = get(client, "童名测试甲")
    assert response.status_code == 200
    assert hit_urls(response) == []
    assert "没有找到" in html_of(response)


def test_no_phone_number_is_searched_or_shown(client, demo_data):
    entrant = Entrant.objects.exclude(phone="").filter(event__results_page__live=True).first()
    phones = set(Entrant.objects.exclude(phone="").values_list("phone", flat=True))
    by_phone = get(client, entrant.phone)
    assert hit_urls(by_phone, "results") == []
    for q in (entrant.name, "138", entrant.event.name):
        html = html_of(get(client, q))
        assert not any(phone in html for phone in phones), q


def test_unpublished_and_private_pages_are_not_found(client, demo_data):
    lesson = LessonPage.objects.live().get(title="扎染初体验")
    lesson.unpublish()
    craft = CraftPage.objects.get(title="蓝印扎染")
    restriction = PageViewRestriction.objects.create(
        page=craft, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.get(name="manager"))
    response = get(client, "扎染")
    urls = hit_urls(response)
    assert lesson.url not in urls and craft.url not in urls
    assert not any(url.startswith(craft.url) for url in urls)


def test_markup_in_the_query_or_in_a_page_is_escaped(client, demo_data):
    script = "<script>alert(1)</script>"
    response = get(client, script)
    assert response.status_code == 200
    html = html_of(response)
    assert script not in html and "&lt;script&gt;" in html
    craft = CraftPage.objects.get(title="蓝印扎染")
    craft.summary = "<b onmouseover=x>扎染</b>的花纹"
    craft.save_revision().publish()
    html = html_of(get(client, "扎染"))
    assert "<b onmouseover" not in html
    assert "&lt;b onmouseover=x&gt;<mark>扎染</mark>&lt;/b&gt;" in html


def test_english_search(client, demo_data):
    response = get(client, "studio", path="/en/search/")
    assert response.status_code == 200
    html = html_of(response)
    assert '<html lang="en">' in html and "Studios" in html
    urls = hit_urls(response, "studios")
    assert urls and all(url.startswith("/en/academy/") for url in urls)
    chinese = get(client, "扎染", path="/en/search/")
    assert "Lessons" in html_of(chinese) and "<mark>扎染</mark>" in html_of(chinese)
    assert all(url.startswith("/en/") for url in hit_urls(chinese))


def test_results_are_paginated(client, demo_data):
    first = get(client, "craftsman")  # the folk craftsmen's addresses: more than a page
    assert first.status_code == 200
    assert len(hit_urls(first)) == PAGE_SIZE
    second = get(client, "craftsman", page=2)
    assert second.status_code == 200
    assert set(hit_urls(second)).isdisjoint(hit_urls(first))
    assert 'href="?q=craftsman&amp;page=2"' in html_of(first)
    assert get(client, "craftsman", page=99).status_code == 404
    assert get(client, "craftsman", page="x").status_code == 404
    assert f"{HITS_PER_KIND}+" in html_of(first)  # 74 craftsmen: only the first 50 listed


def test_bad_queries(client, demo_data):
    long = get(client, "扎" * (MAX_QUERY_LENGTH + 1))
    assert long.status_code == 400
    assert "50" in html_of(long) and 'role="alert"' in html_of(long)
    assert get(client, "扎" * MAX_QUERY_LENGTH).status_code == 200
    for q in ("a\x00b", "\u200b", "   ", "%", "_", "'; drop table x; --"):
        assert get(client, q).status_code == 200, repr(q)
    assert hit_urls(get(client, "%")) == []
    empty = client.get("/search/")
    assert empty.status_code == 200
    soup = BeautifulSoup(html_of(empty), "html.parser")
    words = [a.get_text() for a in soup.select(".search-suggestions a")]
    assert "扎染" in words
    assert client.post("/search/", {"q": "扎染"}).status_code == 405


def _count(client, q, path="/search/"):
    get(client, q, path)  # warm: the site's root paths and identity are cached
    with CaptureQueriesContext(connection) as queries:
        response = get(client, q, path)
    assert response.status_code == 200
    return len(queries)


def _grow():
    """Many more matches of every kind: lessons and people by the hundred."""
    craft = CraftPage.objects.get(title="蓝印扎染")
    for i in range(60):
        make_lesson(craft, title=f"扎染加课{i}", slug=f"extra-tie-dye-{i}")
    index = ProfilePage.objects.first().get_parent()
    for i in range(60):
        index.add_child(
            instance=ProfilePage(
                title=f"扎染匠人{i}",
                slug=f"extra-person-{i}",
                kind=ProfilePage.Kind.FOLK_CRAFTSMAN,
                story="<p>扎染三十年</p>",
            )
        )
    final = ResultsPage.objects.live().filter(stage=Stage.FINAL).first()
    final.standings = final.standings + [
        {
            "entrant_id": None,
            "rank": 90 + i,
            "bib": f"9{i:02d}",
            "name": f"扎染选手{i}",
            "unit": "某单位",
            "status": "active",
            "total": "1.00",
            "award": "",
        }
        for i in range(200)
    ]
    Entrant.objects.bulk_create(
        Entrant(event=final.event, bib=f"9{i:02d}", name=f"扎染选手{i}", unit="某单位")
        for i in range(200)
    )
    final.save()


def test_a_search_costs_a_bounded_number_of_queries(client, demo_data):
    words = ("扎染", "工", "craftsman", "钳工")
    small = {q: _count(client, q) for q in words}
    assert max(small.values()) <= QUERY_BUDGET, small
    assert _count(client, "扎染", "/en/search/") <= QUERY_BUDGET
    _grow()
    large = {q: _count(client, q) for q in words}
    assert large == small
    response = get(client, "扎染")
    assert f"{HITS_PER_KIND}+" in html_of(response)
    players = html_of(get(client, "扎染选手"))
    assert re.search(r"<mark>扎染选手</mark>\d+", players)
    print(f"queries per search, demo 1x: {small}; grown: {large}")
