"""After the ranking: objections sent during the public notice, and certificate batches."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .events import Event


class ObjectionQuerySet(models.QuerySet):
    def for_user(self, user):
        """The objections about the events a person organises (managers: every objection)."""
        return self.filter(event__in=Event.objects.for_user(user))


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

    objects = ObjectionQuerySet.as_manager()

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
