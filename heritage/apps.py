from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HeritageConfig(AppConfig):
    name = "heritage"
    verbose_name = _("Heritage programme")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from core.cache import invalidate_pages

        from .models import Kindergarten, PlanEntry, Season, Session

        # The public programme page shows these (the matrix, seasons, kindergartens): an edit
        # in the admin drops the cached pages. Services that bulk-write call it themselves.
        for model in (Kindergarten, PlanEntry, Season, Session):
            uid = f"heritage.invalidate.{model.__name__}"
            post_save.connect(invalidate_pages, sender=model, dispatch_uid=uid + ".save")
            post_delete.connect(invalidate_pages, sender=model, dispatch_uid=uid + ".delete")
