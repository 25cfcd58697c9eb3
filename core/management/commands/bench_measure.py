import json
from importlib import import_module

from django.core.management.base import BaseCommand

from core.benchmarks import APPS, Bench


class Command(BaseCommand):
    help = "Measure every registered page and service on the current database; prints JSON."

    def handle(self, *args, **options):
        bench = Bench()
        for app in APPS:
            try:
                module = import_module(f"{app}.benchmarks")
            except ModuleNotFoundError as error:
                if error.name != f"{app}.benchmarks":
                    raise
                continue
            module.measure(bench)
        self.stdout.write(json.dumps(bench.as_dicts(), ensure_ascii=False))
