"""Judging: a judge's score sheet for an event, and the scores on it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .entrants import Entrant
from .events import Criterion, Event


class SheetQuerySet(models.QuerySet):
    def for_user(self, user):
        """The sheets a judge fills: their own, whatever their other roles."""
        if not user.is_authenticated:
            return self.none()
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


class Measurement(models.Model):
    """The one measured value of a measurement criterion for an entrant, and its points."""

    criterion = models.ForeignKey(
        Criterion,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name=_("criterion"),
    )
    entrant = models.ForeignKey(
        Entrant, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("entrant")
    )
    value = models.DecimalField(_("measured value"), max_digits=12, decimal_places=3)
    # Fixed when the value is entered, from the criterion's bands (which are locked from then).
    points = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "entrant"], name="one_measurement_per_cell"
            ),
            models.CheckConstraint(condition=Q(points__gte=0), name="measurement_not_negative"),
        ]

    def __str__(self):
        return f"{self.entrant_id}/{self.criterion_id}: {self.value}"
