import json

from django.core.management.base import BaseCommand

from core import benchmarks
from core.benchmarks import Bench
from core.discovery import app_modules


class Command(BaseCommand):
    help = "Measure every registered page and service on the current database; prints JSON."

    def handle(self, *args, **options):
        bench = Bench()
        benchmarks.measure(bench)
        for _config, module in app_modules("benchmarks", exclude=("core",)):
            module.measure(bench)
        self.stdout.write(json.dumps(bench.as_dicts(), ensure_ascii=False))
