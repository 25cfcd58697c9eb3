"""The academy's section page (the "1+3+N" structure), its programme tracks and activities."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from core.blocks import BaseStreamBlock
from core.models import SectionPage

from ..blocks import GalleryBlock
from ..pagination import paginate
from .profiles import ProfileIndexPage, ProfilePage
from .sites import TeachingSiteIndexPage, TeachingSitePage
from .studios import StudioIndexPage, StudioPage


class AcademyPage(SectionPage):
    """The district model-worker and craftsman academy: the "1+3+N" model at a glance."""

    parent_page_types = ["core.HomePage"]
    subpage_types = [
        "academy.TrackPage",
        "academy.StudioIndexPage",
        "academy.ProfileIndexPage",
        "academy.TeachingSiteIndexPage",
    ]
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
        context["site_index"] = TeachingSiteIndexPage.objects.child_of(self).live().first()
        if context["site_index"] is not None:
            context["site_count"] = (
                TeachingSitePage.objects.child_of(context["site_index"]).live().public().count()
            )
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
    teaching_site = models.ForeignKey(
        "academy.TeachingSitePage",
        verbose_name=_("teaching site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        help_text=_("Where the activity is held, if at one of the academy's teaching sites."),
    )
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
        FieldPanel("teaching_site"),
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
        site = self.teaching_site
        context["teaching_site"] = site if site is not None and site.live else None
        return context
