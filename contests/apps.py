from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "contests"
    verbose_name = _("Skill contests")
    # The section page setup_site and the demo create under the home page, and its place in
    # the menu and among the home page's highlights.
    section = (
        "ContestIndexPage",
        "contests",
        "技能竞赛",
        "全年承办市级广告设计精英赛、5场群英赛，组织区镇级技能竞赛45场：报名、评分、排名、公示与证书。",
    )
    section_position = 20

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
