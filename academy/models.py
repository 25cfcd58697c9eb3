from django.utils.translation import gettext_lazy as _

from core.models import SectionPage


class AcademyPage(SectionPage):
    """The district model-worker and craftsman academy: the "1+3+N" model at a glance."""

    parent_page_types = ["core.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("academy page")
