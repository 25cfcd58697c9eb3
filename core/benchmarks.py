"""Measuring pages and services: query counts and times, compared across data scales.

Each app may have a ``benchmarks`` module with ``measure(bench)``; it calls ``bench.get``,
``bench.post`` or ``bench.call`` for every page and service whose cost must not grow with data.

:func:`measure_public_pages` measures every live public page against the budgets below, as
ratios to a bare view (``core.bench_urls.floor``) timed in the same run with the same client.
"""

import time
from dataclasses import asdict, dataclass, field
from statistics import median
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

# Budgets of a public page, for an anonymous visitor.
MAX_QUERIES = 15  # uncached
MAX_UNCACHED_RATIO = 15  # uncached median time ÷ the floor's
MAX_CACHED_RATIO = 2  # second visit, from the page cache
MAX_LOGIN_RATIO = 5  # the login page is never cached (it carries a CSRF token)
LOGIN_KIND = "login page"
MAX_WORKER_MB = 110  # a gunicorn worker's resident memory once it has served every page


@dataclass
class Measurement:
    label: str
    queries: int
    milliseconds: float
    status: int | None = None


class Bench:
    def __init__(self):
        self.results = []
        self._clients = {}

    def client(self, username=None):
        if username not in self._clients:
            client = Client()
            if username:
                client.force_login(get_user_model().objects.get(username=username))
            self._clients[username] = client
        return self._clients[username]

    def _record(self, label, action):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            outcome = action()
            elapsed = (time.perf_counter() - started) * 1000
        status = getattr(outcome, "status_code", None)
        self.results.append(Measurement(label, len(queries), round(elapsed, 1), status))
        return outcome

    def get(self, label, path, user=None, **extra):
        client = self.client(user)
        return self._record(label, lambda: client.get(path, **extra))

    def post(self, label, path, data, user=None, **extra):
        client = self.client(user)
        return self._record(label, lambda: client.post(path, data, **extra))

    def call(self, label, function, *args, **kwargs):
        return self._record(label, lambda: function(*args, **kwargs))

    def as_dicts(self):
        return [asdict(result) for result in self.results]


def measure(bench):
    bench.get("home page, anonymous, uncached", "/")
    bench.get("home page, anonymous, cached", "/")
    from .models import HomePage

    for section in HomePage.objects.first().get_children().live():
        bench.get(f"{section.slug} section page, anonymous", section.url)
    for word in ("扎染", "工"):  # a narrow and a broad search: each kind stops at its limit
        bench.get(f"site search for {word}, anonymous", f"/search/?q={quote(word)}")
    bench.get("workspace, manager", "/workspace/", user="demo-manager")
    bench.get("workspace, teacher", "/workspace/", user="demo-teacher")


@dataclass
class PageMeasurement:
    """One kind of public page: its query count (the worst page of the kind) and its times."""

    kind: str
    path: str
    pages: int = 1
    queries: int = 0
    worst_path: str = ""
    status: int | None = None
    milliseconds: float = 0.0
    ratio: float = 0.0
    cached_milliseconds: float | None = None
    cached_ratio: float | None = None
    over: list = field(default_factory=list)


def _median_ms(client, path, runs, warmup=2):
    for _ in range(warmup):
        response = client.get(path)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
    return median(samples), response


def public_pages():
    """(kind, path, route) of every live public page of the default site, with the routes of
    routable pages that take no argument (``route`` true), then the public pages outside the
    page tree."""
    from wagtail.contrib.routable_page.models import RoutablePageMixin
    from wagtail.models import Site

    from .models import Certificate

    site = Site.objects.get(is_default_site=True)
    pages = site.root_page.get_descendants(inclusive=True).live().public().specific()
    for page in pages.order_by("path"):
        url = page.get_url()
        yield page._meta.label, url, False
        if isinstance(page, RoutablePageMixin):
            for pattern in page.get_subpage_urls():
                if pattern.name and not pattern.pattern.regex.groups and str(pattern.pattern):
                    route = page.reverse_subpage(pattern.name)
                    yield f"{page._meta.label} {route}", url + route, True
    yield "/en/ home page", "/en/", False
    yield "certificate check", "/verify/", False
    certificate = Certificate.objects.filter(revoked_at__isnull=True).first()
    if certificate is not None:
        yield "certificate verified", certificate.get_absolute_url(), False
    yield LOGIN_KIND, "/accounts/login/", False


def measure_public_pages(runs=15):
    """The floor's median time and a :class:`PageMeasurement` per kind of public page.

    Query counts are taken on every page of a kind (the highest is kept), on its second visit
    (the first makes its image renditions and puts the parts pages share in the cache, as on
    a running site); times are the median of ``runs`` visits after a warm-up, on the kind's
    first page and on its costliest one. A route that only answers posts (a redirect on a
    visit) is left out.
    """
    from .bench_urls import FLOOR_PATH

    client = Client()
    with override_settings(ROOT_URLCONF="core.bench_urls"):
        floor_ms, _ = _median_ms(client, FLOOR_PATH, runs * 2, warmup=5)
        kinds = {}
        with override_settings(PAGE_CACHE_SECONDS=0):
            for kind, path, route in public_pages():
                client.get(path)  # its image renditions are made on the first visit
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(path)
                if route and response.status_code in (301, 302, 303):
                    continue
                row = kinds.get(kind)
                if row is None:
                    row = kinds[kind] = PageMeasurement(kind, path, pages=0)
                row.pages += 1
                if len(queries) > row.queries or row.status is None:
                    row.queries, row.worst_path = len(queries), path
                if response.status_code != 200 or row.status is None:
                    row.status = response.status_code
            for row in kinds.values():
                row.milliseconds = max(
                    _median_ms(client, path, runs)[0] for path in {row.path, row.worst_path}
                )
        for row in kinds.values():
            client.get(row.path)  # stores it, when it may be stored
            cached_ms, response = _median_ms(client, row.path, runs, warmup=0)
            if response.get("X-Page-Cache") == "hit":
                row.cached_milliseconds = round(cached_ms, 2)
        # The floor again, after the pages: the lower of the two is the stricter.
        floor_ms = min(floor_ms, _median_ms(client, FLOOR_PATH, runs * 2, warmup=0)[0])
    for row in kinds.values():
        row.ratio = round(row.milliseconds / floor_ms, 1)
        row.milliseconds = round(row.milliseconds, 2)
        if row.cached_milliseconds is not None:
            row.cached_ratio = round(row.cached_milliseconds / floor_ms, 1)
        row.over = page_over_budget(row)
    return round(floor_ms, 3), [asdict(row) for row in kinds.values()]


def page_over_budget(row):
    """What a measured page exceeds, in words; empty when it is within every budget."""
    over = []
    if row.status != 200:
        over.append(f"answered {row.status}")
    if row.queries > MAX_QUERIES:
        over.append(f"{row.queries} queries > {MAX_QUERIES}")
    limit = MAX_LOGIN_RATIO if row.kind == LOGIN_KIND else MAX_UNCACHED_RATIO
    if row.ratio > limit:
        over.append(f"uncached {row.ratio}× > {limit}×")
    if row.cached_ratio is not None and row.cached_ratio > MAX_CACHED_RATIO:
        over.append(f"cached {row.cached_ratio}× > {MAX_CACHED_RATIO}×")
    return over
