from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcademyConfig(AppConfig):
    name = "academy"
    verbose_name = _("Craftsman academy")
    # The section page setup_site and the demo create under the home page, and its place in
    # the menu and among the home page's highlights.
    section = (
        "AcademyPage",
        "academy",
        "劳模工匠学院",
        "区级劳模工匠学院以“1+3+N”模式办学：一个学院，助企服务、名师带徒、创新攻关三大板块，"
        "N个教学点、创新工作室和活动。",
    )
    section_position = 10

    def ready(self):
        from core.cache import invalidate_on_change

        from . import views  # noqa: F401  (registers the views the page models route to)
        from .models import Pairing

        # Profiles show how many apprentices their person mentors.
        invalidate_on_change(Pairing, "academy")
