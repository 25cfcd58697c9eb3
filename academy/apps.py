from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = _("Craftsman academy")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from core.cache import invalidate_pages

        from .models import Pairing

        # Profiles show how many apprentices their person mentors.
        post_save.connect(invalidate_pages, sender=Pairing, dispatch_uid="academy.pairing_saved")
        post_delete.connect(
            invalidate_pages, sender=Pairing, dispatch_uid="academy.pairing_deleted"
        )
