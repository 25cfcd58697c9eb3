from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core import demo
from core.cache import invalidate_pages
from core.discovery import app_modules


class Command(BaseCommand):
    help = (
        "Build the demo data (idempotent, deterministic). Logins are created only when "
        "DEMO_PASSWORD is set. --scale multiplies the volume for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Multiply the volume of generated records (1, 10, 100) for benchmarks.",
        )

    def handle(self, *args, scale, **options):
        if scale < 1 or scale > 1000:
            raise CommandError("--scale must be between 1 and 1000.")
        ctx = demo.DemoContext(stdout=self.stdout, style=self.style, scale=scale)
        with transaction.atomic():
            demo.seed(ctx)
            # Each app's demo module extends the demo, in INSTALLED_APPS order.
            for _config, module in app_modules("demo", exclude=("core",)):
                module.seed(ctx)
        invalidate_pages()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
