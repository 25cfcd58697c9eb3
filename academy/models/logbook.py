"""The logbook: the sessions a mentor logs, with skills, ratings and evidence photos."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from .pairings import Pairing


class SkillTag(TaggedItemBase):
    content_object = models.ForeignKey(
        "academy.LogEntry", on_delete=models.CASCADE, related_name="skill_items"
    )


class LogEntryQuerySet(models.QuerySet):
    def for_user(self, user):
        """The entries of the pairings a user may see."""
        return self.filter(pairing__in=Pairing.objects.for_user(user))


class LogEntry(models.Model):
    """A session the mentor logs; the apprentice reflects and confirms it, which locks it."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="entries"
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("24"))],
    )
    skills = TaggableManager(
        through=SkillTag,
        verbose_name=_("skills practised"),
        blank=True,
        help_text=_("Separate skills with commas, 、 or ；."),
    )
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    reflection = models.TextField(_("apprentice's reflection"), blank=True, max_length=4000)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    query_note = models.TextField(_("apprentice's query"), blank=True, max_length=1000)
    queried_at = models.DateTimeField(_("queried at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LogEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("logbook entry")
        verbose_name_plural = _("logbook entries")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["pairing", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="academy_entry_hours_range"
            )
        ]

    def __str__(self):
        return f"{self.date} · {self.hours} h"

    def get_absolute_url(self):
        return reverse("academy:entry", kwargs={"pk": self.pk})

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    @property
    def is_queried(self):
        """The apprentice returned it to the mentor with a note, instead of confirming."""
        return self.queried_at is not None and self.confirmed_at is None


class EvidencePhotoQuerySet(models.QuerySet):
    def for_user(self, user):
        """The photos of the entries a user may see."""
        return self.filter(entry__in=LogEntry.objects.for_user(user))


class EvidencePhoto(models.Model):
    """A photo of the work, kept in a private collection and served only within scope."""

    entry = models.ForeignKey(LogEntry, on_delete=models.CASCADE, related_name="photos")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = EvidencePhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence photo")
        verbose_name_plural = _("evidence photos")
        ordering = ["taken_at", "id"]

    def __str__(self):
        return f"{self.entry} · {self.pk}"

    def get_absolute_url(self):
        return reverse("academy:photo", kwargs={"pk": self.pk, "size": "large"})
