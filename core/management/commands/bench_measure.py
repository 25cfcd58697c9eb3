import json

from django.core.management.base import BaseCommand

from core import benchmarks
from core.benchmarks import Bench
from core.discovery import app_modules


class Command(BaseCommand):
    help = (
        "Measure every registered page and service, and every public page against its budget, "
        "on the current database; prints JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=15, help="Timed visits per page.")

    def handle(self, *args, runs, **options):
        bench = Bench()
        benchmarks.measure(bench)
        for _config, module in app_modules("benchmarks", exclude=("core",)):
            module.measure(bench)
        floor_ms, pages = benchmarks.measure_public_pages(runs=runs)
        result = {"measurements": bench.as_dicts(), "floor_ms": floor_ms, "pages": pages}
        self.stdout.write(json.dumps(result, ensure_ascii=False))
