import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from academy.models import AcademyPage
from contests.models import ContestIndexPage
from core.benchmarks import MAX_QUERIES, public_pages
from core.models import HomePage
from heritage.models import ProgrammePage


class PageTreeTests(WagtailPageTestCase):
    def test_home_page_sits_under_the_root_only(self):
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(HomePage, HomePage)

    def test_sections_sit_under_the_home_page(self):
        for section in (AcademyPage, ContestIndexPage, ProgrammePage):
            self.assertCanCreateAt(HomePage, section)
            self.assertCanNotCreateAt(Page, section)
            self.assertCanNotCreateAt(section, HomePage)

    def test_each_section_only_once(self):
        for section in (AcademyPage, ContestIndexPage, ProgrammePage):
            self.assertEqual(section.max_count, 1)


# Query budget of every public page (``core.benchmarks``, ``make bench``), uncached.


def _public_page_queries(client):
    """The highest query count of each kind of public page, for an anonymous visitor with the
    page cache off, on the second visit (``core.benchmarks``)."""
    counts = {}
    for kind, path, route in public_pages():
        client.get(path)  # its image renditions are made on the first visit
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if route and response.status_code in (301, 302, 303):
            continue  # a route that only answers posts
        assert response.status_code == 200, path
        counts[kind] = max(counts.get(kind, 0), len(queries))
    return counts


@pytest.mark.django_db
def test_every_public_page_stays_within_the_query_budget(demo, client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    counts = _public_page_queries(client)
    # Every kind of page the demo has, and the pages outside the page tree.
    assert {"core.HomePage", "heritage.LessonPage", "contests.ResultsPage"} <= set(counts)
    assert {"academy.ProfilePage", "login page", "certificate check"} <= set(counts)
    over = {kind: count for kind, count in counts.items() if count > MAX_QUERIES}
    assert not over, f"over {MAX_QUERIES} queries: {over}"


@pytest.mark.django_db
def test_public_page_queries_do_not_grow_with_the_data(demo, client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    small = _public_page_queries(client)
    call_command("seed_demo", scale=2, stdout=io.StringIO())
    assert _public_page_queries(client) == small


@pytest.mark.django_db
def test_pages_are_found_as_wagtail_finds_them(demo, rf):
    """The home page's two-query routing (core.routing) gives what Wagtail's own gives."""
    from django.http import Http404

    home = HomePage.objects.get()
    paths = [path for _kind, path, _route in public_pages() if not path.startswith("/en/")]
    paths += ["/heritage/no-such-page/", "/academy/people/honours/extra/", "/nope/", "/contests/"]

    def found(route, path):
        components = [part for part in path.split("/") if part]
        try:
            result = route(rf.get(path), components)
        except Http404:
            return None
        page, args, kwargs = result
        view = args[0].__name__ if args else None
        return page.pk, type(page), view, args[1:], kwargs

    for path in paths:
        ours = found(home.route, path)
        wagtails = found(lambda request, parts: Page.route(home, request, parts), path)
        assert ours == wagtails, path
    assert found(home.route, "/heritage/no-such-page/") is None
