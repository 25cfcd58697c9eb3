from django.utils.translation import gettext_lazy as _

from core.models import SectionPage


class ContestIndexPage(SectionPage):
    """Every skill contest the federation hosts or organises, by year, level and type."""

    parent_page_types = ["core.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("contest index page")
