"""The hall board: a page for a screen in the venue, opened with a kiosk link that the
organizer creates for one event and can revoke."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .events import Event


def new_token():
    """An unguessable token for a board's address (32 bytes of randomness)."""
    return secrets.token_urlsafe(32)


class HallBoardQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True)


class HallBoard(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="hall_boards", verbose_name=_("event")
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    label = models.CharField(
        _("label"), max_length=60, blank=True, help_text=_("Which screen it is for, say.")
    )
    show_standings = models.BooleanField(
        _("show the provisional standings"),
        default=False,
        help_text=_("Otherwise the board shows only who is done."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = HallBoardQuerySet.as_manager()

    class Meta:
        verbose_name = _("hall board")
        verbose_name_plural = _("hall boards")
        ordering = ["event_id", "-created_at", "-id"]

    def __str__(self):
        return self.label or str(_("Hall board"))

    def get_absolute_url(self):
        return reverse("contests:hall_board", args=[self.token])

    @property
    def is_revoked(self):
        return self.revoked_at is not None
