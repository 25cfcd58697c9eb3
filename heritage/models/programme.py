"""Kindergartens, their class groups and children, and the curriculum plan of the seasons."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Site
from wagtail.search import index

from core.roles import CRAFTSMAN, TEACHER, has_role, is_manager
from core.wecom import mask_robot_url, validate_robot_url

from .pages import AgeBand, CraftPage


class KindergartenQuerySet(models.QuerySet):
    def for_user(self, user):
        """Kindergartens a user may see: all for managers, their own for teachers."""
        if not user.is_authenticated:
            return self.none()
        if is_manager(user):
            return self.all()
        scope = Q(pk__in=[])
        if has_role(user, TEACHER):
            scope |= Q(
                pk__in=Kindergarten.teachers.through.objects.filter(user=user).values(
                    "kindergarten_id"
                )
            )
        if has_role(user, CRAFTSMAN):
            scope |= Q(
                pk__in=ClassGroup.objects.filter(sessions__craftsman=user).values("kindergarten_id")
            )
        return self.filter(scope)


class Kindergarten(index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=20)
    address = models.CharField(_("address"), max_length=200, blank=True)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("teachers"),
        blank=True,
        related_name="kindergartens",
        limit_choices_to={"groups__name": TEACHER},
    )
    robot_webhook = models.CharField(
        _("WeCom group robot webhook"),
        max_length=300,
        blank=True,
        validators=[validate_robot_url],
        help_text=_(
            "The webhook address of the robot in the kindergarten's teacher group in WeCom "
            "(群机器人): the day before their classes it posts the sessions there. Leave empty "
            "for email only."
        ),
    )

    objects = KindergartenQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("short_name"),
        FieldPanel("address"),
        FieldPanel("teachers"),
        FieldPanel("robot_webhook"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("id"),
    ]

    class Meta:
        verbose_name = _("kindergarten")
        verbose_name_plural = _("kindergartens")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("heritage:kindergarten", args=[self.pk])

    @property
    def robot_webhook_masked(self):
        """The webhook for lists: its key is as good as a password to the group."""
        return mask_robot_url(self.robot_webhook)


@register_setting(icon="mail")
class HeritageSettings(BaseSiteSetting):
    """How the programme reaches the people who have no email, most craftsmen among them."""

    craftsmen_robot_webhook = models.CharField(
        _("craftsmen's WeCom group robot webhook"),
        max_length=300,
        blank=True,
        validators=[validate_robot_url],
        help_text=_(
            "The webhook address of the robot in the craftsmen's group in WeCom (群机器人): the "
            "day before, it posts each craftsman's classes there. Leave empty for email only."
        ),
    )

    panels = [FieldPanel("craftsmen_robot_webhook")]

    class Meta:
        verbose_name = _("heritage programme reminders")

    @classmethod
    def for_default_site(cls):
        """The settings of the default site, for tasks that run without a request."""
        site = Site.objects.filter(is_default_site=True).first()
        return cls.for_site(site) if site else None


class ClassGroupQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(kindergarten__in=Kindergarten.objects.for_user(user))


class ClassGroup(models.Model):
    kindergarten = models.ForeignKey(
        Kindergarten,
        verbose_name=_("kindergarten"),
        on_delete=models.CASCADE,
        related_name="class_groups",
    )
    name = models.CharField(_("name"), max_length=40, help_text=_("For example 大一班."))
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices)
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("class teacher"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="class_groups",
        limit_choices_to={"groups__name": TEACHER},
    )
    room = models.CharField(_("classroom"), max_length=60, blank=True)

    objects = ClassGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("class group")
        verbose_name_plural = _("class groups")
        ordering = ["kindergarten__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kindergarten", "name"], name="unique_class_name")
        ]

    def __str__(self):
        return f"{self.kindergarten.short_name} · {self.name}"


class ChildQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(class_group__in=ClassGroup.objects.for_user(user))

    def active_on(self, day):
        return self.filter(Q(active_from__lte=day) | Q(active_from__isnull=True)).filter(
            Q(active_until__gte=day) | Q(active_until__isnull=True)
        )


class Child(models.Model):
    """A child in a class group. Nothing more about a child is stored; never public."""

    class_group = models.ForeignKey(
        ClassGroup, verbose_name=_("class group"), on_delete=models.CASCADE, related_name="children"
    )
    display_name = models.CharField(_("display name"), max_length=40)
    photo_consent = models.BooleanField(_("photo consent"), default=False)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_until = models.DateField(_("active until"), null=True, blank=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["class_group", "display_name", "pk"]

    def __str__(self):
        return self.display_name


# ---------------------------------------------------------------- the plan


class Season(models.Model):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=60)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    rounds = models.PositiveSmallIntegerField(
        _("rounds"),
        default=3,
        help_text=_("How many crafts each kindergarten meets in this season, one after another."),
    )

    class Meta:
        verbose_name = _("season")
        verbose_name_plural = _("seasons")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="season_ends_after_start"
            )
        ]

    def __str__(self):
        return self.name

    @classmethod
    def current(cls, today=None):
        today = today or timezone.localdate()
        season = cls.objects.filter(starts_on__lte=today, ends_on__gte=today).first()
        return season or cls.objects.filter(starts_on__gt=today).first() or cls.objects.last()


class PlanEntry(models.Model):
    """One round of the curriculum plan: which craft and craftsman a kindergarten has."""

    season = models.ForeignKey(
        Season, verbose_name=_("season"), on_delete=models.CASCADE, related_name="plan_entries"
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    kindergarten = models.ForeignKey(
        Kindergarten, verbose_name=_("kindergarten"), on_delete=models.CASCADE, related_name="plan"
    )
    craft = models.ForeignKey(
        CraftPage, verbose_name=_("craft"), on_delete=models.CASCADE, related_name="plan"
    )
    craftsman = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("craftsman"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_entries",
    )
    planned_sessions = models.PositiveSmallIntegerField(_("planned sessions"), default=12)

    class Meta:
        verbose_name = _("curriculum plan entry")
        verbose_name_plural = _("curriculum plan")
        ordering = ["season__starts_on", "round", "kindergarten__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["season", "round", "kindergarten"], name="one_craft_per_round"
            ),
            models.UniqueConstraint(
                fields=["season", "round", "craft"], name="craft_in_one_place_per_round"
            ),
        ]

    def __str__(self):
        return f"{self.season} · {self.round} · {self.kindergarten} · {self.craft}"
