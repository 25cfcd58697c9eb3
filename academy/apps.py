from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = _("Craftsman academy")

    def ready(self):
        from core.cache import invalidate_on_change

        from . import views  # noqa: F401  (registers the views the page models route to)
        from .models import Pairing

        # Profiles show how many apprentices their person mentors.
        invalidate_on_change(Pairing, "academy")
