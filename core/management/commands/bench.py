import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Build the demo at several scales in throw-away SQLite databases and print, for every "
        "page and service, its query count and time at each scale."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scales", default="1,10", help="Comma-separated, e.g. 1,10,100.")

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

    def handle(self, *args, scales, **options):
        try:
            scales = [int(scale) for scale in scales.split(",")]
        except ValueError as error:
            raise CommandError("--scales takes integers, e.g. 1,10") from error
        results = {}
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
                results[scale] = {
                    row["label"]: row for row in json.loads(self.run_step(env, "bench_measure"))
                }
        self.print_table(scales, results)

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
