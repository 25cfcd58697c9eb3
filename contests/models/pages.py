"""Skill contests: public pages (index, contest, results) and the judging records behind them.

A contest is a Wagtail page with organizers; each contest has events, each event a marking
scheme (criteria, award tiers), entrants, judges' score sheets and scores. The published ranking
of an event is a ``ResultsPage`` under its contest, moved through Wagtail's workflow.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, TaskState
from wagtail.models.workflows import AbstractGroupApprovalTask
from wagtail.search import index

from core.models import SectionPage
from core.roles import ORGANIZER, is_manager

__all__ = [
    "ContestIndexPage",
    "ContestPage",
    "ContestGalleryImage",
    "ResultsPage",
    "Event",
    "Criterion",
    "AwardTier",
    "Entrant",
    "Sheet",
    "Score",
    "Objection",
    "CertificateBatch",
    "ContestResultsTask",
    "MAX_JUDGES",
]

# At most this many judges per event: every aggregation's denominator (n, n - 2, 1 or 2)
# then divides 27,720 = lcm(1..12), which keeps totals exact in integer arithmetic.
MAX_JUDGES = 12


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
        from .views.public import contest_index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(contest_index_context(self, request))
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        context = getattr(response, "context_data", None) or {}
        if context.get("bad_filter"):
            response.status_code = 400  # unknown year, level or type in the query
        return response

    @path("archive/")
    def archive(self, request):
        from .views.public import results_archive

        return results_archive(request, self)


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
        from django.core.exceptions import ValidationError

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
        from .views.public import register

        return register(request, self)


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
    def last_correction(self):
        return self.corrections[-1] if self.corrections else None

    def get_context(self, request, *args, **kwargs):
        from .forms import ObjectionForm

        context = super().get_context(request, *args, **kwargs)
        context["ranked"] = [row for row in self.standings if row.get("rank")]
        context["unranked"] = [row for row in self.standings if not row.get("rank")]
        if self.stage == Stage.NOTICE:
            context.setdefault("objection_form", ObjectionForm())
        return context

    @path("objection/")
    def objection(self, request):
        from .views.public import objection

        return objection(request, self)


class Rule(models.TextChoices):
    MEAN = "mean", _("Mean of all judges")
    TRIMMED = "trimmed", _("Trimmed mean (drop one highest and one lowest)")
    MEDIAN = "median", _("Median")


class EventQuerySet(models.QuerySet):
    def for_organizer(self, user):
        if is_manager(user):
            return self
        return self.filter(contest__organizers=user)


class Event(ClusterableModel):
    """An event of a contest, with its marking scheme and ranking settings."""

    contest = models.ForeignKey(
        ContestPage, on_delete=models.CASCADE, related_name="events", verbose_name=_("contest")
    )
    name = models.CharField(_("name"), max_length=120)
    rule = models.CharField(
        _("aggregation rule"), max_length=20, choices=Rule.choices, default=Rule.TRIMMED
    )
    hide_names = models.BooleanField(
        _("hide names from judges"),
        default=False,
        help_text=_("Judges then see entrant numbers only."),
    )
    minimum_total = models.DecimalField(
        _("minimum total for an award"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    deviation_threshold = models.DecimalField(
        _("deviation threshold"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Flag a judge's score further than this from the panel's mean."),
    )
    notice_days = models.PositiveSmallIntegerField(
        _("public notice days"), default=5, validators=[MinValueValidator(1)]
    )
    judges = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="contests.Sheet",
        related_name="judged_events",
        verbose_name=_("judges"),
        blank=True,
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["contest_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "name"], name="unique_event_per_contest")
        ]

    def __str__(self):
        return f"{self.contest.title} · {self.name}"


class Criterion(models.Model):
    class Kind(models.TextChoices):
        MEASUREMENT = "measurement", _("Measurement")
        JUDGEMENT = "judgement", _("Judgement")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("event")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=100)
    maximum = models.DecimalField(
        _("maximum"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1000"))],
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=3,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal("100"))],
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.JUDGEMENT)
    tie_break = models.PositiveSmallIntegerField(
        _("tie-break order"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("1 = compared first when totals tie; empty = not a tie-break."),
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["event_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="unique_criterion_name")
        ]

    def __str__(self):
        return self.name


class AwardTier(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("event")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("award"), max_length=60)
    count = models.PositiveIntegerField(_("count"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("award tier")
        verbose_name_plural = _("award tiers")
        ordering = ["event_id", "position", "id"]

    def __str__(self):
        return f"{self.name} × {self.count}"


class EntrantQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Entrant.Status.ACTIVE)


class Entrant(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Competing")
        ABSENT = "absent", _("Absent")
        DISQUALIFIED = "disqualified", _("Disqualified")

    class Source(models.TextChoices):
        FORM = "form", _("Registration form")
        IMPORT = "import", _("Import")
        STAFF = "staff", _("Added by staff")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="entrants", verbose_name=_("event")
    )
    bib = models.CharField(_("number"), max_length=20)
    name = models.CharField(_("name"), max_length=60)
    unit = models.CharField(_("unit"), max_length=120)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.STAFF
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EntrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrant")
        verbose_name_plural = _("entrants")
        ordering = ["event_id", "bib"]
        constraints = [
            models.UniqueConstraint(fields=["event", "bib"], name="unique_bib_per_event"),
            models.UniqueConstraint(
                fields=["event", "name", "unit"], name="unique_entrant_per_event"
            ),
        ]

    def __str__(self):
        return f"{self.bib} {self.name}"


class SheetQuerySet(models.QuerySet):
    def for_judge(self, user):
        return self.filter(judge=user)


class Sheet(models.Model):
    """A judge's assignment to an event, and their score sheet for it."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="sheets", verbose_name=_("event")
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="score_sheets",
        verbose_name=_("judge"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["event_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "judge"], name="one_sheet_per_judge")
        ]

    def __str__(self):
        return f"{self.event} · {self.judge.get_full_name() or self.judge.get_username()}"

    @property
    def is_submitted(self):
        return self.submitted_at is not None


class Score(models.Model):
    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="scores")
    entrant = models.ForeignKey(Entrant, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    points = models.DecimalField(_("score"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "entrant", "criterion"], name="one_score_per_cell"
            ),
            models.CheckConstraint(condition=Q(points__gte=0), name="score_not_negative"),
        ]
        indexes = [models.Index(fields=["entrant", "criterion"], name="score_cell_idx")]

    def __str__(self):
        return f"{self.entrant_id}/{self.criterion_id}: {self.points}"


class Objection(models.Model):
    """An objection sent during the public notice; the organizer answers it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="objections", verbose_name=_("event")
    )
    name = models.CharField(_("your name"), max_length=60)
    contact = models.CharField(_("phone or email"), max_length=100)
    message = models.TextField(_("objection"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    answer = models.TextField(_("answer"), blank=True, max_length=2000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.event} · {self.name}"


class CertificateBatch(models.Model):
    """One run of the certificate task for an event: what the progress bar reads."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="certificate_batches")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.event_id} · {self.done}/{self.total}"

    @property
    def percent(self):
        return 100 if not self.total else round(100 * self.done / self.total)


class ContestResultsTask(AbstractGroupApprovalTask):
    """The workflow step that starts a result's public notice.

    Like a group approval task, but an organizer reviews only the results of the contests
    they organise (managers and superusers review all); approving from the Wagtail admin
    starts the public notice exactly as the workspace button does."""

    class Meta:
        verbose_name = _("contest results approval")
        verbose_name_plural = _("contest results approvals")

    @staticmethod
    def _contest_of(obj):
        page = getattr(obj, "specific", obj)
        if isinstance(page, ResultsPage):
            return ContestPage.objects.filter(pk=page.get_parent().pk).first()
        return ContestPage.objects.ancestor_of(page, inclusive=True).first()

    def _may_review(self, obj, user):
        if user.is_superuser or is_manager(user):
            return True
        if not self._user_in_groups(user):
            return False
        contest = self._contest_of(obj)
        return contest is not None and contest.is_organised_by(user)

    def user_can_access_editor(self, obj, user):
        return self._may_review(obj, user)

    def locked_for_user(self, obj, user):
        return not self._may_review(obj, user)

    def user_can_lock(self, obj, user):
        return self._may_review(obj, user)

    def get_actions(self, obj, user):
        if not self._may_review(obj, user):
            return []
        return super().get_actions(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        if user.is_superuser or is_manager(user):
            return states
        pages = ResultsPage.objects.filter(event__contest__organizers=user).values_list(
            "pk", flat=True
        )
        return states.filter(workflow_state__object_id__in=[str(pk) for pk in pages])

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name != "approve":
            return super().on_action(task_state, user, action_name, **kwargs)
        from django.core.exceptions import PermissionDenied

        from .services.publishing import PublishError, start_public_notice

        page = task_state.workflow_state.content_object
        page = getattr(page, "specific", page)
        if not isinstance(page, ResultsPage) or task_state.status != TaskState.STATUS_IN_PROGRESS:
            return super().on_action(task_state, user, action_name, **kwargs)
        try:
            start_public_notice(page.event, user)
        except PublishError as error:
            raise PermissionDenied(str(error)) from error
        return None

    @classmethod
    def get_description(cls):
        return _("Organizers of the contest (and managers) start the results' public notice")
