"""The contests' public pages: the contest index, one page per contest, and results pages.

Page models only name the views behind them (``core.page_views``): ``contests.views.public``
registers them, so a page model never imports a view or a form.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from core.models import SectionPage
from core.page_views import call_page_view
from core.roles import ORGANIZER, has_role, is_manager


class Level(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal")
    DISTRICT = "district", _("District")
    TOWN = "town", _("Town")


class ContestType(models.TextChoices):
    ELITE = "elite", _("Elite contest")
    QUNYING = "qunying", _("Qunying contest")
    SKILLS = "skills", _("Skills contest")


class ContestIndexPage(RoutablePageMixin, SectionPage):
    """Every skill contest the federation hosts or organises, by year, level and type."""

    parent_page_types = ["core.HomePage"]
    subpage_types = ["contests.ContestPage"]
    max_count = 1

    class Meta:
        verbose_name = _("contest index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(call_page_view(self, "index_context", request, self))
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        context = getattr(response, "context_data", None) or {}
        if context.get("bad_filter"):
            response.status_code = 400  # unknown year, level or type in the query
        return response

    @path("archive/")
    def archive(self, request):
        return call_page_view(self, "archive", request, self)


class ContestPageQuerySet(PageQuerySet):
    def for_user(self, user):
        """The contests a person organises (managers: every contest)."""
        if is_manager(user):
            return self
        if not has_role(user, ORGANIZER):
            return self.none()
        return self.filter(organizers=user)


class ContestPage(RoutablePageMixin, Page):
    """One contest: rules, events, dates, venue, the registration window and a gallery."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    contest_type = models.CharField(_("type"), max_length=20, choices=ContestType.choices)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    rules = RichTextField(_("rules"), blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    registration_opens = models.DateField(_("registration opens"), null=True, blank=True)
    registration_closes = models.DateField(_("registration closes"), null=True, blank=True)
    organizers = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organizers"),
        blank=True,
        related_name="organised_contests",
        limit_choices_to={"groups__name": ORGANIZER},
    )

    objects = PageManager.from_queryset(ContestPageQuerySet)()

    parent_page_types = ["contests.ContestIndexPage"]
    subpage_types = ["contests.ResultsPage"]

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("year"), FieldPanel("level"), FieldPanel("contest_type")]),
        FieldPanel("summary"),
        FieldPanel("rules"),
        MultiFieldPanel(
            [
                FieldPanel("venue"),
                FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
                FieldRowPanel(
                    [FieldPanel("registration_opens"), FieldPanel("registration_closes")]
                ),
            ],
            heading=_("Dates and venue"),
        ),
        FieldPanel("organizers"),
        InlinePanel("gallery_images", label=_("Gallery")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("rules"),
        index.FilterField("year"),
        index.FilterField("level"),
    ]

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("A contest cannot end before it starts.")
        if (
            self.registration_opens
            and self.registration_closes
            and self.registration_closes < self.registration_opens
        ):
            errors["registration_closes"] = _("Registration cannot close before it opens.")
        if errors:
            raise ValidationError(errors)

    @property
    def registration_open(self):
        today = timezone.localdate()
        return bool(
            self.registration_opens
            and self.registration_closes
            and self.registration_opens <= today <= self.registration_closes
        )

    def is_organised_by(self, user):
        if not user.is_authenticated:
            return False
        if is_manager(user):
            return True
        return self.organizers.filter(pk=user.pk).exists()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["events"] = self.events.all()
        context["gallery"] = self.gallery_images.select_related("image")
        context["results_pages"] = (
            ResultsPage.objects.child_of(self).live().select_related("event").order_by("title")
        )
        return context

    @path("register/")
    def register(self, request):
        return call_page_view(self, "register", request, self)


class ContestGalleryImage(Orderable):
    page = ParentalKey(ContestPage, on_delete=models.CASCADE, related_name="gallery_images")
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.CASCADE, related_name="+", verbose_name=_("image")
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]


class Stage(models.TextChoices):
    PROVISIONAL = "provisional", _("Provisional")
    NOTICE = "notice", _("Public notice")
    FINAL = "final", _("Final")


class ResultsPage(RoutablePageMixin, Page):
    """The published ranking of one event: a snapshot kept in the page, so each revision
    of the page is a version of the results."""

    event = models.OneToOneField(
        "contests.Event",
        on_delete=models.PROTECT,
        related_name="results_page",
        verbose_name=_("event"),
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.PROVISIONAL
    )
    notice_until = models.DateField(_("public notice until"), null=True, blank=True)
    finalised_on = models.DateField(_("final on"), null=True, blank=True)
    standings = models.JSONField(_("standings"), default=list, blank=True, editable=False)
    corrections = models.JSONField(_("corrections"), default=list, blank=True, editable=False)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True, editable=False)
    # Each different ranking saved in the page is a new version; a stage change alone is not.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # The criteria names the snapshot's per-criterion results are in the order of.
    criteria = models.JSONField(_("criteria"), default=list, blank=True, editable=False)

    parent_page_types = ["contests.ContestPage"]
    subpage_types = []
    # Made by publishing an event's results (workspace or workflow), never by hand: a page
    # added in the admin would have no event and no standings.
    is_creatable = False
    content_panels = Page.content_panels + [
        FieldPanel("stage", read_only=True),
        FieldPanel("notice_until", read_only=True),
    ]

    class Meta:
        verbose_name = _("results page")

    @property
    def notice_open(self):
        """Whether objections are taken: in public notice up to the end of its last day, whether
        or not the hourly task has closed it yet."""
        return self.stage == Stage.NOTICE and (
            self.notice_until is None or timezone.localdate() <= self.notice_until
        )

    @property
    def last_correction(self):
        return self.corrections[-1] if self.corrections else None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["ranked"] = [row for row in self.standings if row.get("rank")]
        context["unranked"] = [row for row in self.standings if not row.get("rank")]
        # The objection form during the public notice (forms belong to the views).
        context.update(call_page_view(self, "results_context", request, self))
        return context

    @path("objection/")
    def objection(self, request):
        return call_page_view(self, "objection", request, self)
