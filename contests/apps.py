from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "contests"
    verbose_name = _("Skill contests")

    def ready(self):
        # The views behind the pages, and the workflow task's approval (services.publishing),
        # register themselves with core.page_views when imported.
        from . import views  # noqa: F401
        from .models import ContestIndexPage
        from .services.publishing import sync_after_migrate, sync_on_index_created

        # The results workflow and the organizers' page permissions, after every migrate and
        # when the contest index page is created later (site setup, the demo).
        post_migrate.connect(sync_after_migrate, sender=self)
        post_save.connect(sync_on_index_created, sender=ContestIndexPage)
