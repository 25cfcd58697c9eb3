"""The academy's public pages: the "1+3+N" structure, tracks, activities, studios, profiles."""

import re

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.blocks import BaseStreamBlock
from core.models import SectionPage

from ..blocks import AchievementsBlock, GalleryBlock
from .apprenticeship import Trade

SLUG = re.compile(r"[-\w]+")


def is_slug(value):
    """Whether a query parameter can be a slug (no NUL byte, which PostgreSQL refuses)."""
    return bool(SLUG.fullmatch(value))


PAGE_SIZE = 12


class Level(models.TextChoices):
    """The level at which an honour or a studio was recognised."""

    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")
    DISTRICT = "district", _("District")


LEVEL_ORDER = [Level.NATIONAL, Level.PROVINCIAL, Level.MUNICIPAL, Level.DISTRICT]


def paginate(request, items, per_page=PAGE_SIZE):
    """A page of a list; a page number that is not a number or out of range is a 404."""
    paginator = Paginator(items, per_page)
    number = request.GET.get("page") or 1
    try:
        return paginator.page(int(number))
    except (ValueError, TypeError) as error:
        raise Http404("bad page") from error
    except Exception as error:  # EmptyPage, InvalidPage
        raise Http404("no such page") from error


class AcademyPage(SectionPage):
    """The district model-worker and craftsman academy: the "1+3+N" model at a glance."""

    parent_page_types = ["core.HomePage"]
    subpage_types = ["academy.TrackPage", "academy.StudioIndexPage", "academy.ProfileIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("academy page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        tracks = list(TrackPage.objects.child_of(self).live().public().order_by("path"))
        activities = ActivityPage.objects.live().public().descendant_of(self)
        if tracks:
            prefix = len(tracks[0].path)
            counts = dict(
                activities.order_by()
                .annotate(track_path=Substr("path", 1, prefix))
                .values_list("track_path")
                .annotate(n=Count("pk"))
                .values_list("track_path", "n")
            )
            for track in tracks:
                track.activity_count = counts.get(track.path, 0)
        context["tracks"] = tracks
        context["upcoming"] = list(
            activities.filter(starts_at__gte=timezone.now()).order_by("starts_at")[:5]
        )
        context["activity_count"] = activities.count()
        context["studio_index"] = StudioIndexPage.objects.child_of(self).live().first()
        context["profile_index"] = ProfileIndexPage.objects.child_of(self).live().first()
        context["studio_count"] = StudioPage.objects.live().descendant_of(self).count()
        context["profile_counts"] = (
            ProfilePage.objects.live()
            .descendant_of(self)
            .aggregate(
                model_workers=Count("pk", filter=Q(kind=ProfilePage.Kind.MODEL_WORKER)),
                craftsmen=Count("pk", filter=Q(kind=ProfilePage.Kind.FOLK_CRAFTSMAN)),
            )
        )
        return context


class TrackPage(SectionPage):
    """One programme track of the "3": editors may add, rename or retire tracks."""

    parent_page_types = ["academy.AcademyPage"]
    subpage_types = ["academy.ActivityPage"]

    class Meta:
        verbose_name = _("programme track")
        verbose_name_plural = _("programme tracks")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        activities = ActivityPage.objects.child_of(self).live().public()
        now = timezone.now()
        context["upcoming"] = list(activities.filter(starts_at__gte=now).order_by("starts_at"))
        context["past"] = paginate(
            request, activities.filter(starts_at__lt=now).order_by("-starts_at")
        )
        return context


class ActivityPage(Page):
    """An activity of a track: a class, a service visit to an enterprise, a workshop."""

    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200)
    speakers = models.CharField(
        _("speakers"),
        max_length=300,
        blank=True,
        help_text=_("Names separated by commas, e.g. 王师傅, 李工程师"),
    )
    summary = models.TextField(_("summary"), max_length=1000)
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)
    gallery = StreamField(GalleryBlock(), verbose_name=_("gallery"), blank=True)
    ical_sequence = models.PositiveIntegerField(
        _("calendar revision"),
        default=0,
        editable=False,
        help_text=_("Goes up when the activity's time, place or title changes."),
    )

    parent_page_types = ["academy.TrackPage"]
    subpage_types = []

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("place"),
        FieldPanel("speakers"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("gallery"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("place"),
        index.SearchField("speakers"),
    ]

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    # What a calendar app shows: publishing a change to one of these bumps SEQUENCE.
    CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "place")

    def save(self, *args, **kwargs):
        if self.pk:
            saved = (
                ActivityPage.objects.filter(pk=self.pk)
                .values("ical_sequence", *self.CALENDAR_FIELDS)
                .first()
            )
            if saved:
                # A revision being published carries the sequence of its draft: never go back.
                sequence = max(self.ical_sequence, saved["ical_sequence"])
                written = kwargs.get("update_fields")
                fields = [
                    name for name in self.CALENDAR_FIELDS if written is None or name in written
                ]
                if any(saved[name] != getattr(self, name) for name in fields):
                    sequence += 1
                if sequence != self.ical_sequence:
                    self.ical_sequence = sequence
                    if kwargs.get("update_fields") is not None:
                        kwargs["update_fields"] = {*kwargs["update_fields"], "ical_sequence"}
        return super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("An activity cannot end before it starts.")})

    @property
    def speaker_list(self):
        return [
            name.strip() for name in self.speakers.replace("，", ",").split(",") if name.strip()
        ]

    @property
    def is_upcoming(self):
        return self.starts_at >= timezone.now()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["track"] = self.get_parent().specific
        return context


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
        from taggit.models import Tag

        context = super().get_context(request, *args, **kwargs)
        studios = StudioPage.objects.child_of(self).live().public()
        trade_tags = Tag.objects.filter(
            academy_studiotradetag_items__content_object__in=studios
        ).distinct()
        trade = request.GET.get("trade", "")
        level = request.GET.get("level", "")
        if trade:
            if not is_slug(trade) or not trade_tags.filter(slug=trade).exists():
                raise Http404("unknown trade")
            studios = studios.filter(trades__slug=trade)
        if level:
            if level not in Level.values:
                raise Http404("unknown level")
            studios = studios.filter(level=level)
        context.update(
            studios=paginate(
                request,
                studios.select_related("leader").prefetch_related("trades").order_by("title"),
            ),
            trade_tags=trade_tags.order_by("name"),
            levels=Level.choices,
            selected_trade=trade,
            selected_level=level,
        )
        return context


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


class ProfileIndexPage(RoutablePageMixin, SectionPage):
    """Model workers and folk craftsmen: the honours roll and the craftsman showcase."""

    parent_page_types = ["academy.AcademyPage"]
    subpage_types = ["academy.ProfilePage"]
    max_count = 1

    class Meta:
        verbose_name = _("profile index")

    def profiles(self):
        return ProfilePage.objects.child_of(self).live().public()

    @path("")
    def index(self, request):
        counts = self.profiles().aggregate(
            model_workers=Count("pk", filter=Q(kind=ProfilePage.Kind.MODEL_WORKER)),
            craftsmen=Count("pk", filter=Q(kind=ProfilePage.Kind.FOLK_CRAFTSMAN)),
        )
        return self.render(request, context_overrides={"counts": counts})

    @path("honours/", name="honours")
    def honours_roll(self, request):
        honours = (
            Honour.objects.filter(profile__in=self.profiles())
            .select_related("profile", "profile__trade")
            .order_by("year", "profile__title")
        )
        groups = {}
        for honour in honours:
            groups.setdefault(honour.level, {}).setdefault(honour.year, []).append(honour)
        roll = [
            {
                "level": level,
                "label": level.label,
                "count": sum(len(items) for items in groups[level].values()),
                "years": sorted(groups[level].items(), reverse=True),
            }
            for level in LEVEL_ORDER
            if level in groups
        ]
        return self.render(
            request,
            template="academy/honours_roll.html",
            context_overrides={"roll": roll},
        )

    @path("craftsmen/", name="craftsmen")
    def craftsmen(self, request):
        craftsmen = self.profiles().filter(kind=ProfilePage.Kind.FOLK_CRAFTSMAN)
        trades = (
            Trade.objects.filter(profiles__in=craftsmen)
            .annotate(n=Count("profiles"))
            .order_by("name")
        )
        trade = request.GET.get("trade", "")
        if trade:
            if not is_slug(trade) or not Trade.objects.filter(slug=trade).exists():
                raise Http404("unknown trade")
            craftsmen = craftsmen.filter(trade__slug=trade)
        return self.render(
            request,
            template="academy/craftsman_showcase.html",
            context_overrides={
                "craftsmen": paginate(
                    request,
                    craftsmen.select_related("trade", "photo").order_by("title"),
                    per_page=24,
                ),
                "trades": trades,
                "selected_trade": trade,
            },
        )


class ProfilePage(Page):
    """A model worker or a folk craftsman: photo, employer, trade, honours, studio, story."""

    class Kind(models.TextChoices):
        MODEL_WORKER = "model_worker", _("Model worker")
        FOLK_CRAFTSMAN = "folk_craftsman", _("Folk craftsman")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    trade = models.ForeignKey(
        "academy.Trade",
        verbose_name=_("trade"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="profiles",
    )
    person = models.ForeignKey(
        "auth.User",
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="academy_profiles",
        help_text=_("Link the profile to the person's login to count the apprentices they mentor."),
    )
    story = RichTextField(_("story"), blank=True, features=["bold", "italic", "link", "ul"])

    parent_page_types = ["academy.ProfileIndexPage"]
    subpage_types = []

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("photo"),
        FieldRowPanel([FieldPanel("employer"), FieldPanel("trade")]),
        FieldPanel("person"),
        InlinePanel("honours", label=_("Honours")),
        FieldPanel("story"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("employer"),
        index.SearchField("story"),
    ]

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def get_context(self, request, *args, **kwargs):
        from .apprenticeship import Pairing

        context = super().get_context(request, *args, **kwargs)
        context["led_studios"] = self.led_studios.live().public()
        context["member_of"] = self.studios.live().public()
        context["apprentice_count"] = (
            Pairing.objects.filter(mentor_id=self.person_id)
            .values("apprentice_id")
            .distinct()
            .count()
            if self.person_id
            else 0
        )
        return context


class Honour(Orderable):
    profile = ParentalKey(ProfilePage, on_delete=models.CASCADE, related_name="honours")
    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("year"))

    panels = [FieldPanel("title"), FieldRowPanel([FieldPanel("level"), FieldPanel("year")])]

    class Meta(Orderable.Meta):
        verbose_name = _("honour")
        verbose_name_plural = _("honours")

    def __str__(self):
        return f"{self.title} ({self.year})"
