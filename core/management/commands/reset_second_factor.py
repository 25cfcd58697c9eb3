from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.two_factor import remove_devices


class Command(BaseCommand):
    help = (
        "Turn two-step login off for a user who lost their phone: removes their TOTP devices, "
        "so the password alone opens the admin again until they set up a new one."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get_by_natural_key(username)
        except user_model.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        removed = remove_devices(user)
        if removed:
            self.stdout.write(
                self.style.SUCCESS(f"Two-step login is off for {username} ({removed} removed).")
            )
        else:
            self.stdout.write(f"{username} had no two-step login device; nothing changed.")
