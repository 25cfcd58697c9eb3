"""Teaching sites (教学点): the "N" of 1+3+N, where the academy's activities are held."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from core.models import SectionPage

from ..blocks import GalleryBlock
from ..pagination import paginate


class TeachingSiteIndexPage(SectionPage):
    """The academy's teaching sites: enterprises, schools and workshops that host its work."""

    parent_page_types = ["academy.AcademyPage"]
    subpage_types = ["academy.TeachingSitePage"]
    max_count = 1

    class Meta:
        verbose_name = _("teaching site index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sites"] = TeachingSitePage.objects.child_of(self).live().public().order_by("title")
        return context


class TeachingSitePage(Page):
    """A teaching site (教学点): its address, its host unit, and the activities held there."""

    address = models.CharField(_("address"), max_length=200)
    contact_unit = models.CharField(
        _("contact unit"),
        max_length=120,
        help_text=_("The enterprise, school or association that hosts the site."),
    )
    description = RichTextField(
        _("description"), blank=True, features=["bold", "italic", "link", "ul"]
    )
    gallery = StreamField(GalleryBlock(), verbose_name=_("gallery"), blank=True)

    parent_page_types = ["academy.TeachingSiteIndexPage"]
    subpage_types = []

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("contact_unit")], heading=_("Teaching site")
        ),
        FieldPanel("description"),
        FieldPanel("gallery"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("address"),
        index.SearchField("contact_unit"),
        index.SearchField("description"),
    ]

    class Meta:
        verbose_name = _("teaching site")
        verbose_name_plural = _("teaching sites")

    def get_context(self, request, *args, **kwargs):
        from .sections import ActivityPage

        context = super().get_context(request, *args, **kwargs)
        activities = ActivityPage.objects.filter(teaching_site=self).live().public()
        now = timezone.now()
        context["upcoming"] = list(activities.filter(starts_at__gte=now).order_by("starts_at"))
        context["past"] = paginate(
            request, activities.filter(starts_at__lt=now).order_by("-starts_at")
        )
        return context
