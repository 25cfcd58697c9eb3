"""Trades, their competency frameworks, and the ratings a mentor gives them in a session."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable


class SkillLevel(models.IntegerChoices):
    """China's five national vocational skill levels (国家职业资格等级)."""

    LEVEL_5 = 5, _("Level 5 · Junior worker (五级/初级工)")
    LEVEL_4 = 4, _("Level 4 · Intermediate worker (四级/中级工)")
    LEVEL_3 = 3, _("Level 3 · Senior worker (三级/高级工)")
    LEVEL_2 = 2, _("Level 2 · Technician (二级/技师)")
    LEVEL_1 = 1, _("Level 1 · Senior technician (一级/高级技师)")


SKILL_LEVELS = SkillLevel


class Trade(ClusterableModel):
    """A trade (工种) and its competency framework, which managers edit."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True, allow_unicode=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        InlinePanel("competencies", label=_("Competencies"), heading=_("Competency framework")),
    ]

    class Meta:
        verbose_name = _("trade")
        verbose_name_plural = _("trades")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Competency(Orderable):
    trade = ParentalKey(Trade, on_delete=models.CASCADE, related_name="competencies")
    name = models.CharField(_("competency"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")

    def __str__(self):
        return self.name


class EntryCompetency(models.Model):
    """A competency worked on in a session, with the mentor's rating."""

    class Rating(models.IntegerChoices):
        INTRODUCED = 1, _("Introduced")
        PRACTISING = 2, _("Practising")
        REACHED = 3, _("Reached")

    entry = models.ForeignKey("academy.LogEntry", on_delete=models.CASCADE, related_name="ratings")
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="entry_ratings"
    )
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)
    evidence_photo = models.ForeignKey(
        "academy.EvidencePhoto",
        verbose_name=_("evidence photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    evidence_item = models.ForeignKey(
        "academy.PortfolioItem",
        verbose_name=_("apprentice's evidence"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("competency rating")
        verbose_name_plural = _("competency ratings")
        constraints = [
            models.UniqueConstraint(fields=["entry", "competency"], name="academy_one_rating")
        ]

    def __str__(self):
        return f"{self.competency} · {self.get_rating_display()}"
