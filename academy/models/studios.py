"""The innovation studios (劳模工匠创新工作室) and the levels at which they are recognised."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from core.models import SectionPage
from core.page_views import call_page_view

from ..blocks import AchievementsBlock, GalleryBlock


class Level(models.TextChoices):
    """The level at which an honour or a studio was recognised."""

    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")
    DISTRICT = "district", _("District")


LEVEL_ORDER = [Level.NATIONAL, Level.PROVINCIAL, Level.MUNICIPAL, Level.DISTRICT]


class StudioTradeTag(TaggedItemBase):
    content_object = ParentalKey(
        "academy.StudioPage", on_delete=models.CASCADE, related_name="tagged_trades"
    )


class StudioIndexPage(SectionPage):
    """The innovation studios, filterable by trade and level."""

    parent_page_types = ["academy.AcademyPage"]
    subpage_types = ["academy.StudioPage"]
    max_count = 1

    class Meta:
        verbose_name = _("studio index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The studios, filtered by trade and level: academy.views.public.studios.
        context.update(call_page_view(self, "studios", self, request))
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if response.context_data["filter"].errors:
            # A filter value it does not know: the page, with the error beside the filter.
            response.status_code = 400
        return response


class StudioPage(Page):
    """A model-worker and craftsman innovation studio (劳模工匠创新工作室)."""

    leader = models.ForeignKey(
        "academy.ProfilePage",
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_studios",
    )
    members = ParentalManyToManyField(
        "academy.ProfilePage", verbose_name=_("members"), blank=True, related_name="studios"
    )
    trades = ClusterTaggableManager(through=StudioTradeTag, verbose_name=_("trades"), blank=True)
    level = models.CharField(_("level recognised"), max_length=20, choices=Level.choices)
    year_recognised = models.PositiveSmallIntegerField(_("year recognised"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    focus = RichTextField(_("focus"), blank=True, features=["bold", "italic", "link", "ul"])
    achievements = StreamField(AchievementsBlock(), verbose_name=_("achievements"), blank=True)
    gallery = StreamField(GalleryBlock(), verbose_name=_("gallery"), blank=True)

    parent_page_types = ["academy.StudioIndexPage"]
    subpage_types = []

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("leader"),
                FieldPanel("members"),
                FieldPanel("trades"),
                FieldRowPanel([FieldPanel("level"), FieldPanel("year_recognised")]),
                FieldPanel("place"),
            ],
            heading=_("Studio"),
        ),
        FieldPanel("focus"),
        FieldPanel("achievements"),
        FieldPanel("gallery"),
    ]
    search_fields = Page.search_fields + [index.SearchField("focus")]

    class Meta:
        verbose_name = _("innovation studio")
        verbose_name_plural = _("innovation studios")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["member_profiles"] = self.members.live().public().order_by("title")
        return context
