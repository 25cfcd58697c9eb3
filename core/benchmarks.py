"""Measuring pages and services: query counts and times, compared across data scales.

Each app may have a ``benchmarks`` module with ``measure(bench)``; it calls ``bench.get``,
``bench.post`` or ``bench.call`` for every page and service whose cost must not grow with data.
"""

import time
from dataclasses import asdict, dataclass
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


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
