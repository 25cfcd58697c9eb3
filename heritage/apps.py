from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HeritageConfig(AppConfig):
    name = "heritage"
    verbose_name = _("Heritage programme")

    def ready(self):
        from core.cache import invalidate_on_change

        from . import views  # noqa: F401 - views register the programme page's views
        from .models import Kindergarten, PlanEntry, Season, Session

        # The public programme page shows these (the matrix, seasons, kindergartens).
        # Services that bulk-write call invalidate_pages("heritage") themselves.
        for model in (Kindergarten, PlanEntry, Season, Session):
            invalidate_on_change(model, "heritage")
