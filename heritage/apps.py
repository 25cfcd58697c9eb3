from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class HeritageConfig(AppConfig):
    name = "heritage"
    verbose_name = _("Heritage programme")
    # The section page setup_site and the demo create under the home page, and its place in
    # the menu and among the home page's highlights.
    section = (
        "ProgrammePage",
        "heritage",
        "非遗小匠人",
        "“非遗小匠人 文化童传承”三年行动：11项非遗技艺、11位非遗匠人走进11所幼儿园，"
        "让孩子们懂得劳动最光荣、技能最宝贵、创造最伟大。",
    )
    section_position = 30

    def ready(self):
        from core.cache import invalidate_on_change

        from . import signals, views  # noqa: F401 - views register the programme page's views
        from .models import Kindergarten, PlanEntry, ProgrammePage, Season, Session

        # The public programme page shows these (the matrix, seasons, kindergartens).
        # Services that bulk-write call invalidate_pages("heritage") themselves.
        for model in (Kindergarten, PlanEntry, Season, Session):
            invalidate_on_change(model, "heritage")

        # The lesson review workflow is synchronised after migrate, never made by a request.
        post_migrate.connect(
            signals.sync_after_migrate, sender=self, dispatch_uid="heritage.sync_after_migrate"
        )
        post_save.connect(
            signals.programme_page_created,
            sender=ProgrammePage,
            dispatch_uid="heritage.programme_page_created",
        )
