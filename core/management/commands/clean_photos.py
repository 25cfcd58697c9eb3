from django.core.management.base import BaseCommand
from wagtail.images import get_image_model

from core.photos import clean_stored_image, has_metadata
from core.refusals import Refused


class Command(BaseCommand):
    help = (
        "Clean the images stored before photos were cleaned on upload: location, device and "
        "every other metadata removed from the original, its renditions made anew. Images "
        "without metadata are left as they are; run it as often as you like."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the images that would be cleaned."
        )

    def handle(self, *args, dry_run=False, **options):
        cleaned = skipped = 0
        for image in get_image_model().objects.order_by("pk").iterator():
            try:
                with image.open_file() as handle:
                    dirty = has_metadata(handle)
            except OSError as error:
                self.stderr.write(f"#{image.pk} {image.file.name}: {error}")
                skipped += 1
                continue
            if not dirty:
                continue
            if dry_run:
                cleaned += 1
                continue
            try:
                clean_stored_image(image)
            except (Refused, OSError) as error:
                self.stderr.write(f"#{image.pk} {image.file.name}: {error}")
                skipped += 1
                continue
            cleaned += 1
        verb = "would be cleaned" if dry_run else "cleaned"
        self.stdout.write(f"{cleaned} image(s) {verb}, {skipped} skipped.")
