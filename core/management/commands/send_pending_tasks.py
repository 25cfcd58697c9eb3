"""Send again the outbox's background work that no worker has run yet (``core.outbox``)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Count

from core.models import PendingTask
from core.outbox import send_pending


class Command(BaseCommand):
    help = (
        "Send the pending background tasks (certificates to draw, certificate batches) to the "
        "broker again; beat does it every minute, this is for when beat is not running."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            metavar="SECONDS",
            help="only rows last tried this long ago (default OUTBOX_RETRY_AFTER, "
            f"{settings.OUTBOX_RETRY_AFTER} s); 0 sends every pending row now",
        )
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="give failed rows (OUTBOX_MAX_ATTEMPTS failures) a new set of attempts first",
        )

    def handle(self, *args, older_than=None, retry_failed=False, **options):
        if retry_failed:
            revived = PendingTask.objects.filter(status=PendingTask.Status.FAILED).update(
                status=PendingTask.Status.PENDING, attempts=0
            )
            self.stdout.write(f"{revived} failed task(s) made pending again.")
        sent, not_sent = send_pending(older_than)
        counts = dict(PendingTask.objects.values_list("status").annotate(n=Count("pk")).order_by())
        summary = ", ".join(f"{counts.get(status, 0)} {status}" for status in PendingTask.Status)
        self.stdout.write(f"Sent {sent}, could not send {not_sent}. Rows: {summary}.")
        if not_sent:
            last = PendingTask.objects.exclude(last_error="").order_by("-tried_at").first()
            if last is not None:
                self.stderr.write(f"Last error: {last.last_error}")
