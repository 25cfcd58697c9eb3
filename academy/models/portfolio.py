"""The apprentice's own part of the portfolio: evidence and reflections, and progress reviews
that mentor and apprentice both sign."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .logbook import LogEntry
from .pairings import Pairing


class PairingScopedQuerySet(models.QuerySet):
    """Rows of a pairing: a user sees those of the pairings they see."""

    def for_user(self, user):
        return self.filter(pairing__in=Pairing.objects.for_user(user))


class PortfolioItem(models.Model):
    """Evidence or a reflection the apprentice adds: a photo, a short video, a document, or
    words only; about one session of the logbook or the pairing as a whole."""

    class Kind(models.TextChoices):
        REFLECTION = "reflection", _("Reflection")
        PHOTO = "photo", _("Photo")
        VIDEO = "video", _("Video")
        DOCUMENT = "document", _("Document")

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="portfolio"
    )
    entry = models.ForeignKey(
        LogEntry,
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="portfolio_items",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("reflection"), blank=True, max_length=4000)
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="academy/portfolio/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PairingScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("portfolio item")
        verbose_name_plural = _("portfolio items")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return self.title

    def get_file_url(self):
        return reverse("academy:portfolio_file", kwargs={"pk": self.pk})


class ProgressReview(models.Model):
    """A progress review: where the apprentice stands, the targets agreed, both signatures."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="reviews"
    )
    date = models.DateField(_("date of the review"))
    summary = models.TextField(_("progress so far"), max_length=4000)
    targets = models.TextField(_("targets agreed"), max_length=4000)
    next_review = models.DateField(_("next review"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentor_signed_at = models.DateTimeField(_("signed by the mentor"), null=True, blank=True)
    apprentice_signed_at = models.DateTimeField(
        _("signed by the apprentice"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PairingScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress review")
        verbose_name_plural = _("progress reviews")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.pairing} · {self.date}"

    @property
    def is_signed(self):
        return bool(self.mentor_signed_at and self.apprentice_signed_at)
