"""Pairings of a mentor and an apprentice in a trade, with their targets and totals."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, DecimalField, F, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.roles import is_manager

from .competencies import Competency, EntryCompetency, SkillLevel, Trade

STALE_AFTER_DAYS = 30


class PairingQuerySet(models.QuerySet):
    def for_user(self, user):
        """The pairings a user may see: managers all, mentors and apprentices their own."""
        if not user.is_authenticated:
            return self.none()
        if is_manager(user):
            return self
        return self.filter(Q(mentor=user) | Q(apprentice=user))

    def open(self):
        return self.filter(status__in=Pairing.OPEN_STATUSES)

    def with_totals(self):
        """Hours logged, last entry, entries to confirm, competencies reached: in the database."""
        reached = (
            EntryCompetency.objects.filter(
                entry__pairing=OuterRef("pk"),
                rating=EntryCompetency.Rating.REACHED,
                competency__pairings=OuterRef("pk"),
            )
            .values("entry__pairing")
            .annotate(n=Count("competency", distinct=True))
            .values("n")
        )
        targets = (
            Pairing.competencies.through.objects.filter(pairing=OuterRef("pk"))
            .values("pairing")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            hours_logged=Coalesce(
                Sum("entries__hours"),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=8, decimal_places=2),
            ),
            hours_confirmed=Coalesce(
                Sum("entries__hours", filter=Q(entries__confirmed_at__isnull=False)),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=8, decimal_places=2),
            ),
            last_entry_on=Max("entries__date"),
            entry_count=Count("entries"),
            unconfirmed_count=Count("entries", filter=Q(entries__confirmed_at__isnull=True)),
            competencies_reached=Coalesce(Subquery(reached), 0),
            competencies_total=Coalesce(Subquery(targets), 0),
        )

    def stale(self, today=None):
        """Active pairings with no entry for STALE_AFTER_DAYS days (or since they started)."""
        cutoff = (today or timezone.localdate()) - datetime.timedelta(days=STALE_AFTER_DAYS)
        return (
            self.filter(status=Pairing.Status.ACTIVE, start__lte=cutoff)
            .annotate(latest_entry_on=Max("entries__date"))
            .filter(Q(latest_entry_on__lt=cutoff) | Q(latest_entry_on__isnull=True))
        )


class Pairing(models.Model):
    """A mentor and an apprentice in a trade, with targets to reach (师徒结对)."""

    class Status(models.TextChoices):
        # A context: "Active" means something else elsewhere in the shared catalogue.
        ACTIVE = "active", pgettext_lazy("pairing status", "Active")
        ON_BREAK = "on_break", pgettext_lazy("pairing status", "On break")
        COMPLETED = "completed", pgettext_lazy("pairing status", "Completed")
        WITHDRAWN = "withdrawn", pgettext_lazy("pairing status", "Withdrawn")

    OPEN_STATUSES = (Status.ACTIVE, Status.ON_BREAK)

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        on_delete=models.PROTECT,
        related_name="mentor_pairings",
    )
    apprentice = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("apprentice"),
        on_delete=models.PROTECT,
        related_name="apprentice_pairings",
    )
    trade = models.ForeignKey(
        Trade, verbose_name=_("trade"), on_delete=models.PROTECT, related_name="pairings"
    )
    studio = models.ForeignKey(
        "academy.StudioPage",
        verbose_name=_("studio"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pairings",
    )
    start = models.DateField(_("start"))
    planned_end = models.DateField(_("planned end"))
    target_hours = models.DecimalField(
        _("target hours"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("5000"))],
    )
    target_level = models.PositiveSmallIntegerField(
        _("target skill level"), choices=SkillLevel.choices
    )
    reached_level = models.PositiveSmallIntegerField(
        _("skill level reached"), choices=SkillLevel.choices, null=True, blank=True
    )
    competencies = models.ManyToManyField(
        Competency,
        verbose_name=_("competencies to reach"),
        blank=True,
        related_name="pairings",
    )
    goals = models.TextField(_("goals"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    break_reason = models.CharField(_("reason for the break"), max_length=300, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    shown_on_mentor_profile = models.BooleanField(
        _("named on the mentor's public profile"),
        default=False,
        help_text=_("Only with the apprentice's agreement; the apprentice can change it."),
    )
    stale_flagged_on = models.DateField(_("flagged as stale on"), null=True, blank=True)
    certificate = models.OneToOneField(
        "core.Certificate",
        verbose_name=_("certificate"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=F("apprentice")), name="academy_pairing_not_self"
            ),
            models.UniqueConstraint(
                fields=["mentor", "apprentice", "trade"],
                condition=Q(status__in=["active", "on_break"]),
                name="academy_one_open_pairing_per_trade",
            ),
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("start")), name="academy_pairing_end_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.mentor_name} → {self.apprentice_name} · {self.trade}"

    def get_absolute_url(self):
        return reverse("academy:pairing", kwargs={"pk": self.pk})

    @property
    def mentor_name(self):
        return self.mentor.get_full_name() or self.mentor.username

    @property
    def apprentice_name(self):
        return self.apprentice.get_full_name() or self.apprentice.username

    @property
    def is_open(self):
        """Active or on break: it changes status, and its mentor logs entries."""
        return self.status in self.OPEN_STATUSES

    def clean(self):
        errors = {}
        if self.mentor_id and self.mentor_id == self.apprentice_id:
            errors["apprentice"] = _("A mentor cannot be paired with themself.")
        if self.start and self.planned_end and self.planned_end < self.start:
            errors["planned_end"] = _("The planned end cannot be before the start.")
        if self.status == self.Status.ON_BREAK and not self.break_reason.strip():
            errors["break_reason"] = _("Give the reason for the break.")
        if (
            self.mentor_id
            and self.apprentice_id
            and self.trade_id
            and self.status in self.OPEN_STATUSES
            and Pairing.objects.open()
            .filter(mentor_id=self.mentor_id, apprentice_id=self.apprentice_id)
            .filter(trade_id=self.trade_id)
            .exclude(pk=self.pk)
            .exists()
        ):
            errors["apprentice"] = _(
                "These two people already have an active pairing in this trade."
            )
        if errors:
            raise ValidationError(errors)

    # Annotated by with_totals(); these fall back to 0 for a bare instance.
    def _annotation(self, name, default=0):
        return getattr(self, name, default)

    @property
    def hours_percent(self):
        hours = self._annotation("hours_logged", Decimal("0")) or Decimal("0")
        if not self.target_hours:
            return 0
        return min(100, int(hours * 100 / self.target_hours))

    @property
    def days_since_last_entry(self):
        last = self._annotation("last_entry_on", None) or self.start
        return (timezone.localdate() - last).days

    @property
    def is_stale(self):
        return (
            self.status == self.Status.ACTIVE
            and self.days_since_last_entry > STALE_AFTER_DAYS
            and (timezone.localdate() - self.start).days > STALE_AFTER_DAYS
        )

    @property
    def is_overdue(self):
        """Still open after its planned end."""
        return self.is_open and self.planned_end < timezone.localdate()

    @property
    def ready_to_complete(self):
        return self.status == self.Status.ACTIVE and self.targets_met

    @property
    def targets_met(self):
        """Confirmed hours at the target and every competency reached: hours the apprentice
        has not confirmed do not count toward completion."""
        hours = self._annotation("hours_confirmed", Decimal("0")) or Decimal("0")
        return hours >= self.target_hours and self._annotation(
            "competencies_reached"
        ) >= self._annotation("competencies_total")
