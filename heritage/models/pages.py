"""The public pages of the programme: the programme page, its crafts and their lessons."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from core.models import SectionPage
from core.page_views import call_page_view
from core.roles import CRAFTSMAN

from ..blocks import GalleryBlock, LessonStepsBlock


class AgeBand(models.TextChoices):
    SMALL = "small", _("Small class (3–4)")
    MIDDLE = "middle", _("Middle class (4–5)")
    LARGE = "large", _("Large class (5–6)")


class ProgrammePage(RoutablePageMixin, SectionPage):
    """The "ICH little craftsmen" programme: crafts, kindergartens, seasons, the matrix."""

    parent_page_types = ["core.HomePage"]
    subpage_types = ["heritage.CraftPage"]
    max_count = 1

    class Meta:
        verbose_name = _("heritage programme page")

    # The views behind this page are registered by heritage.views.public (core.page_views).

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(call_page_view(self, "context", request, self))
        return context

    @path("lessons/")
    def lessons(self, request):
        return call_page_view(self, "lessons", request, self)


class CraftPage(Page):
    """One intangible-heritage craft, its craftsman and craft base; lessons sit under it."""

    class Category(models.TextChoices):
        FOLK_LITERATURE = "folk_literature", _("Folk literature")
        TRADITIONAL_MUSIC = "traditional_music", _("Traditional music")
        TRADITIONAL_DANCE = "traditional_dance", _("Traditional dance")
        TRADITIONAL_DRAMA = "traditional_drama", _("Traditional drama")
        QUYI = "quyi", _("Quyi (storytelling and ballad singing)")
        SPORTS_ACROBATICS = "sports", _("Traditional sports, recreation and acrobatics")
        FINE_ARTS = "fine_arts", _("Traditional fine arts")
        CRAFTSMANSHIP = "craftsmanship", _("Traditional craftsmanship")
        MEDICINE = "medicine", _("Traditional medicine")
        FOLK_CUSTOMS = "folk_customs", _("Folk customs")

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")
        MUNICIPAL = "municipal", _("Municipal")
        DISTRICT = "district", _("District")

    short_name = models.CharField(_("short name"), max_length=20, blank=True)
    category = models.CharField(_("heritage category"), max_length=20, choices=Category.choices)
    level = models.CharField(_("listing level"), max_length=20, choices=Level.choices)
    summary = models.CharField(_("summary"), max_length=250, blank=True)
    story = RichTextField(_("story"), blank=True)
    gallery = StreamField(GalleryBlock(), verbose_name=_("gallery"), blank=True)
    craftsman = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("craftsman"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="crafts",
        limit_choices_to={"groups__name": CRAFTSMAN},
    )
    base_name = models.CharField(_("craft base"), max_length=100, blank=True)
    base_kindergarten = models.ForeignKey(
        "heritage.Kindergarten",
        verbose_name=_("craft base at kindergarten"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="craft_bases",
    )

    parent_page_types = ["heritage.ProgrammePage"]
    subpage_types = ["heritage.LessonPage"]

    content_panels = Page.content_panels + [
        FieldPanel("short_name"),
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("category"), FieldPanel("level")], heading=_("Listing")),
        FieldPanel("story"),
        FieldPanel("gallery"),
        MultiFieldPanel(
            [FieldPanel("craftsman"), FieldPanel("base_name"), FieldPanel("base_kindergarten")],
            heading=_("Craftsman and craft base"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("story"),
    ]

    class Meta:
        verbose_name = _("heritage craft")
        verbose_name_plural = _("heritage crafts")

    @property
    def label(self):
        return self.short_name or self.title

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = (
            LessonPage.objects.child_of(self).live().public().prefetch_related("tags")
        )
        context["craftsman_name"] = self.craftsman.get_full_name() if self.craftsman else ""
        context["programme"] = ProgrammePage.objects.ancestor_of(self).first()
        return context


class LessonTag(TaggedItemBase):
    content_object = ParentalKey(
        "heritage.LessonPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class LessonPage(RoutablePageMixin, Page):
    """A lesson a craftsman teaches in a kindergarten, printable as a hand-out."""

    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=40)
    goals = RichTextField(_("learning goals"), features=["bold", "ul", "ol"])
    materials = models.TextField(_("materials"), help_text=_("One item per line."))
    safety_notes = models.TextField(_("safety notes"), blank=True)
    steps = StreamField(LessonStepsBlock(), verbose_name=_("steps"))
    tags = ClusterTaggableManager(through=LessonTag, blank=True, verbose_name=_("tags"))

    parent_page_types = ["heritage.CraftPage"]
    subpage_types = []

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("age_band"), FieldPanel("duration_minutes"), FieldPanel("tags")],
            heading=_("Lesson"),
        ),
        FieldPanel("goals"),
        FieldPanel("materials"),
        FieldPanel("safety_notes"),
        FieldPanel("steps"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("goals"),
        index.SearchField("materials"),
        index.FilterField("age_band"),
    ]

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @property
    def materials_list(self):
        return [line.strip() for line in self.materials.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["craft"] = self.get_parent().specific
        context["programme"] = ProgrammePage.objects.ancestor_of(self).first()
        return context

    @path("print/")
    def print_view(self, request):
        return self.render(request, template="heritage/lesson_page_print.html")
