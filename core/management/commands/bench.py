import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from statistics import median

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.bench_urls import FLOOR_PATH
from core.benchmarks import MAX_WORKER_MB, PageMeasurement, page_over_budget


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CommandError(f"{process.args[0]} stopped at start (exit {process.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise CommandError(f"Nothing answered on port {port} after {seconds} s")


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _http_get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


def _http_median_ms(port, path, runs, warmup=2):
    for _ in range(warmup):
        response = _http_get(port, path)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = _http_get(port, path)
        samples.append((time.perf_counter() - started) * 1000)
    return median(samples), response


def _memory_mb(pid):
    """A process's resident memory (VmRSS) and its proportional share (Pss: pages shared with
    other processes counted in part), in MB."""
    found = {}
    for name, field in ((f"/proc/{pid}/status", "VmRSS:"), (f"/proc/{pid}/smaps_rollup", "Pss:")):
        try:
            for line in Path(name).read_text().splitlines():
                if line.startswith(field):
                    found[field] = int(line.split()[1]) / 1024
                    break
        except OSError:
            pass
    return found.get("VmRSS:"), found.get("Pss:")


class Command(BaseCommand):
    help = (
        "Build the demo at several scales in throw-away SQLite databases and print, for every "
        "page and service, its query count and time at each scale."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scales", default="1,10", help="Comma-separated, e.g. 1,10,100.")
        parser.add_argument("--runs", type=int, default=15, help="Timed visits per page.")
        parser.add_argument(
            "--gunicorn",
            action="store_true",
            help=(
                "Also time the public pages over HTTP under gunicorn (one worker, production "
                "settings, a Redis of its own) and report the worker's memory after them."
            ),
        )

    def run_step(self, env, *args):
        completed = subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode:
            raise CommandError(f"{' '.join(args)} failed:\n{completed.stderr[-3000:]}")
        return completed.stdout

    def handle(self, *args, scales, runs, gunicorn, **options):
        try:
            scales = [int(scale) for scale in scales.split(",")]
        except ValueError as error:
            raise CommandError("--scales takes integers, e.g. 1,10") from error
        if gunicorn:
            missing = [name for name in ("redis-server",) if not shutil.which(name)]
            if missing:
                raise CommandError(f"--gunicorn needs {', '.join(missing)} on the PATH")
        results, pages, served = {}, {}, {}
        with tempfile.TemporaryDirectory(prefix="jiangxin-bench-") as folder:
            for scale in scales:
                env = {
                    **os.environ,
                    "DATABASE_URL": f"sqlite:///{folder}/bench-{scale}.sqlite3",
                    "DJANGO_MEDIA_ROOT": f"{folder}/media-{scale}",
                    "DEMO_PASSWORD": "bench-password",
                    "CELERY_BROKER_URL": "",
                    "DJANGO_SETTINGS_MODULE": "config.settings.test",
                }
                self.run_step(env, "migrate", "--noinput", "-v0")
                started = time.perf_counter()
                self.run_step(env, "seed_demo", f"--scale={scale}")
                seeded = time.perf_counter() - started
                self.stdout.write(f"seed_demo --scale={scale}: {seeded:.1f} s")
                measured = json.loads(self.run_step(env, "bench_measure", f"--runs={runs}"))
                results[scale] = {row["label"]: row for row in measured["measurements"]}
                pages[scale] = measured
                if gunicorn:
                    served[scale] = self.measure_served(env, folder, measured["pages"], runs)
        self.print_table(scales, results)
        over = 0
        for scale in scales:
            over += self.print_pages(
                f"Public pages at {scale}x, in-process test client (DEBUG off, local-memory "
                f"cache), floor {pages[scale]['floor_ms']:.3f} ms",
                pages[scale]["pages"],
            )
            if scale in served:
                over += self.print_pages(
                    f"Public pages at {scale}x under gunicorn (production settings, 1 worker, "
                    f"Redis), floor {served[scale]['floor_ms']:.3f} ms",
                    served[scale]["pages"],
                )
                rss = served[scale]["worker_mb"]
                line = f"Worker memory (VmRSS) after the public pages at {scale}x: {rss:.0f} MB"
                if served[scale]["worker_pss_mb"]:
                    line += f" (Pss {served[scale]['worker_pss_mb']:.0f} MB)"
                if rss > MAX_WORKER_MB:
                    over += 1
                    self.stdout.write(self.style.ERROR(f"OVER BUDGET {line} > {MAX_WORKER_MB} MB"))
                else:
                    self.stdout.write(f"{line} (budget {MAX_WORKER_MB} MB)")
        self.print_constant_pages(scales, pages)
        if over:
            raise CommandError(f"{over} measurement(s) over budget.")

    def measure_served(self, env, folder, pages, runs):
        """Time the floor and each kind of public page over HTTP under gunicorn: uncached
        (``PAGE_CACHE_SECONDS=0``), then cached on a second server; the worker's memory is
        read once it has served each kind of page."""
        redis_port = _free_port()
        redis = subprocess.Popen(  # noqa: S603 - a Redis of our own, on a free local port
            [
                shutil.which("redis-server"),
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for_port(redis_port, redis)
            served_env = {
                **env,
                "DJANGO_SETTINGS_MODULE": "config.settings.bench",
                "DJANGO_SECRET_KEY": "bench-only-secret-" + "x" * 40,
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "WAGTAILADMIN_BASE_URL": "http://127.0.0.1",
                "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                "DJANGO_DEFAULT_FROM_EMAIL": "bench@localhost",
                "DJANGO_SECURE_SSL_REDIRECT": "0",
                "DJANGO_STATIC_ROOT": f"{folder}/static",
                "GUNICORN_WORKERS": "1",
            }
            if not Path(folder, "static").exists():
                self.run_step(served_env, "collectstatic", "--noinput", "-v0")
            rows = [PageMeasurement(**row) for row in pages]
            with self.gunicorn(served_env, PAGE_CACHE_SECONDS="0") as (port, worker):
                floor_ms, _ = _http_median_ms(port, FLOOR_PATH, runs * 2, warmup=5)
                for row in rows:
                    row.milliseconds = max(
                        _http_median_ms(port, path, runs)[0] for path in {row.path, row.worst_path}
                    )
                for row in pages:
                    _http_get(port, row["worst_path"])
                worker_mb, worker_pss_mb = _memory_mb(worker)
                floor_ms = min(floor_ms, _http_median_ms(port, FLOOR_PATH, runs * 2)[0])
            with self.gunicorn(served_env) as (port, _worker):
                for row in rows:
                    _http_get(port, row.path)
                    cached_ms, response = _http_median_ms(port, row.path, runs, warmup=0)
                    row.cached_milliseconds = (
                        round(cached_ms, 2) if response.getheader("X-Page-Cache") == "hit" else None
                    )
        finally:
            _stop(redis)
        for row in rows:
            row.ratio = round(row.milliseconds / floor_ms, 1)
            row.milliseconds = round(row.milliseconds, 2)
            row.cached_ratio = (
                round(row.cached_milliseconds / floor_ms, 1)
                if row.cached_milliseconds is not None
                else None
            )
            row.over = page_over_budget(row)
        return {
            "floor_ms": floor_ms,
            "pages": [row.__dict__ for row in rows],
            "worker_mb": worker_mb,
            "worker_pss_mb": worker_pss_mb,
        }

    @contextmanager
    def gunicorn(self, env, **extra):
        """A gunicorn of the project's settings on a free port: (port, its worker's pid)."""
        port = _free_port()
        process = subprocess.Popen(  # noqa: S603 - our own app, on a free local port
            [sys.executable, "-m", "gunicorn", "-c", "python:config.gunicorn_conf", "config.wsgi"],
            env={**env, **extra, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            cwd=settings.BASE_DIR,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for_port(port, process)
            children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
            deadline = time.monotonic() + 30
            while not children.read_text().split() and time.monotonic() < deadline:
                time.sleep(0.1)
            yield port, int(children.read_text().split()[0])
        finally:
            _stop(process)

    def print_pages(self, title, rows):
        """One line per kind of public page; an OVER BUDGET line for each one over."""
        self.stdout.write("")
        self.stdout.write(title)
        width = max(len(row["kind"]) for row in rows) + 2
        self.stdout.write(
            f"{'page':<{width}}{'pages':>6}{'queries':>8}{'ms':>9}{'x floor':>9}"
            f"{'cached x':>10}  worst page"
        )
        over = 0
        for row in rows:
            cached = f"{row['cached_ratio']:.1f}" if row["cached_ratio"] is not None else "-"
            self.stdout.write(
                f"{row['kind']:<{width}}{row['pages']:>6}{row['queries']:>8}"
                f"{row['milliseconds']:>9.2f}{row['ratio']:>9.1f}{cached:>10}  {row['worst_path']}"
            )
        for row in rows:
            if row["over"]:
                over += 1
                self.stdout.write(
                    self.style.ERROR(f"OVER BUDGET {row['kind']}: {'; '.join(row['over'])}")
                )
        if not over:
            self.stdout.write(self.style.SUCCESS("Every public page is within its budget."))
        return over

    def print_constant_pages(self, scales, pages):
        counts = {}
        for scale in scales:
            for row in pages[scale]["pages"]:
                counts.setdefault(row["kind"], {})[scale] = row["queries"]
        grown = [kind for kind, by_scale in counts.items() if len(set(by_scale.values())) > 1]
        self.stdout.write("")
        for kind in grown:
            self.stdout.write(
                self.style.ERROR(f"Public page grows with data: {kind} {counts[kind]}")
            )
        if not grown:
            self.stdout.write(
                self.style.SUCCESS("Public pages: query counts are constant across scales.")
            )

    def print_table(self, scales, results):
        labels = list(results[scales[0]])
        width = max([len(label) for label in labels] + [10])
        header = f"{'measurement':<{width}}  " + "  ".join(
            f"{'q@' + str(s) + 'x':>7} {'ms@' + str(s) + 'x':>9}" for s in scales
        )
        self.stdout.write(header + "  status  constant")
        failures = 0
        for label in labels:
            rows = [results[scale].get(label) for scale in scales]
            cells = "  ".join(
                f"{row['queries']:>7} {row['milliseconds']:>9.1f}" if row else f"{'-':>7} {'-':>9}"
                for row in rows
            )
            counts = {row["queries"] for row in rows if row}
            constant = len(counts) == 1
            failures += not constant
            status = rows[0]["status"] if rows[0] and rows[0]["status"] else ""
            self.stdout.write(
                f"{label:<{width}}  {cells}  {status!s:>6}  {'yes' if constant else 'NO'}"
            )
        self.stdout.write(
            self.style.SUCCESS("All query counts are constant across scales.")
            if not failures
            else self.style.ERROR(f"{failures} measurement(s) grow with data.")
        )
