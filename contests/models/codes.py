"""Secret codes for blind judging: drawn by lot per event, one per competing entrant.

Judges of an event that hides names see only the code; which entrant holds which code is the
organizer's sealed table (every opening recorded) until the provisional results are published.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .entrants import Entrant
from .events import Event


class EntrantCode(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="codes", verbose_name=_("event")
    )
    entrant = models.OneToOneField(
        Entrant, on_delete=models.CASCADE, related_name="blind_code", verbose_name=_("entrant")
    )
    code = models.CharField(_("secret code"), max_length=8)
    drawn_at = models.DateTimeField(_("drawn at"), auto_now_add=True)

    class Meta:
        verbose_name = _("secret code")
        verbose_name_plural = _("secret codes")
        ordering = ["event_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="unique_code_per_event")
        ]

    def __str__(self):
        return self.code
