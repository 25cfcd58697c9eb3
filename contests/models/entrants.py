"""The entrants of an event, registered by the public form, imported or added by staff."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .events import Event

# A phone number as entrants and objectors write it (registration, imports, staff forms).
PHONE_PATTERN = r"^\+?[0-9][0-9 -]{6,19}$"


class EntrantQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Entrant.Status.ACTIVE)


class Entrant(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Competing")
        ABSENT = "absent", _("Absent")
        DISQUALIFIED = "disqualified", _("Disqualified")
        WITHDRAWN = "withdrawn", pgettext_lazy("entrant status", "Withdrawn")

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
    station = models.CharField(
        _("station"), max_length=20, blank=True, help_text=_("Where the entrant competes.")
    )
    order = models.PositiveIntegerField(
        _("competition order"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(99999)],
        help_text=_("1 = competes first."),
    )
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
