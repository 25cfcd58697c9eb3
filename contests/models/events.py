"""An event of a contest and its marking scheme: criteria, award tiers, ranking settings."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.models import ClusterableModel

from core.roles import ORGANIZER, has_role, is_manager

from .pages import ContestPage

# At most this many judges per event: every aggregation's denominator (n, n - 2, 1 or 2)
# then divides 27,720 = lcm(1..12), which keeps totals exact in integer arithmetic.
MAX_JUDGES = 12


class Rule(models.TextChoices):
    MEAN = "mean", _("Mean of all judges")
    TRIMMED = "trimmed", _("Trimmed mean (drop one highest and one lowest)")
    MEDIAN = "median", _("Median")


class EventQuerySet(models.QuerySet):
    def for_user(self, user):
        """The events of the contests a person organises (managers: every event)."""
        if is_manager(user):
            return self
        if not has_role(user, ORGANIZER):
            return self.none()
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


class CriterionQuerySet(models.QuerySet):
    def judged(self):
        """The criteria every judge scores on their sheet."""
        return self.filter(kind=Criterion.Kind.JUDGEMENT)

    def measured(self):
        """The criteria measured once per entrant, not scored by each judge."""
        return self.filter(kind=Criterion.Kind.MEASUREMENT)


class Criterion(models.Model):
    """A marking criterion. A judgement is scored by every judge and combined by the event's
    rule; a measurement is entered once per entrant (by the designated judge or an organizer)
    and scored by the criterion's tolerance bands, or taken as the score when it has none."""

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
    target = models.DecimalField(
        _("target value"),
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Measurement: the value aimed at; bands count the distance from it."),
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True, help_text=_("For example mm."))
    # [[deviation, points], ...] as decimal strings, closest band first: a measured value
    # within ``deviation`` of the target scores ``points``; beyond the last band it scores 0.
    bands = models.JSONField(_("tolerance bands"), default=list, blank=True)
    measured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("measured by"),
        help_text=_("Measurement: the judge who enters the values (organizers always can)."),
    )

    objects = CriterionQuerySet.as_manager()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["event_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="unique_criterion_name")
        ]

    def __str__(self):
        return self.name

    @property
    def is_measured(self):
        return self.kind == self.Kind.MEASUREMENT

    def band_list(self):
        """The tolerance bands as (deviation, points) Decimals, closest first."""
        return sorted((Decimal(d), Decimal(p)) for d, p in self.bands or [])


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
