from django.utils.translation import gettext_lazy as _

from core.models import SectionPage


class ProgrammePage(SectionPage):
    """The "ICH little craftsmen" programme: crafts, kindergartens, seasons."""

    parent_page_types = ["core.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("heritage programme page")
