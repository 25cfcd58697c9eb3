from django.core.management.base import BaseCommand
from django.db import transaction

from core.cache import invalidate_pages
from core.site import build_site


class Command(BaseCommand):
    help = (
        "Build the real site without demo data: the home page, a page per section, the default "
        "site at WAGTAILADMIN_BASE_URL, and (through each app's hooks) its workflows. "
        "Idempotent: run it after every deploy."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            home, sections = build_site()
        invalidate_pages()
        self.stdout.write(f"Home page: {home.title} ({home.url_path})")
        for section in sections.values():
            self.stdout.write(f"Section: {section.title} ({section.url_path})")
        self.stdout.write(
            self.style.SUCCESS(
                "Site ready. Create the first manager with `django-admin createsuperuser` "
                "(`python manage.py createsuperuser` in a checkout), then log in at /admin/."
            )
        )
