"""The "ICH little craftsmen" programme: crafts, lessons, kindergartens, seasons, sessions."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from core.models import SectionPage
from core.roles import CRAFTSMAN, TEACHER, has_role, is_manager

from .blocks import GalleryBlock, LessonStepsBlock

__all__ = [
    "AgeBand",
    "ProgrammePage",
    "CraftPage",
    "LessonPage",
    "LessonTag",
    "Kindergarten",
    "ClassGroup",
    "Child",
    "Season",
    "PlanEntry",
    "SessionSeries",
    "Session",
    "RollCall",
    "Attendance",
    "FeedToken",
]


class AgeBand(models.TextChoices):
    SMALL = "small", _("Small class (3–4)")
    MIDDLE = "middle", _("Middle class (4–5)")
    LARGE = "large", _("Large class (5–6)")


# ---------------------------------------------------------------- public pages


class ProgrammePage(RoutablePageMixin, SectionPage):
    """The "ICH little craftsmen" programme: crafts, kindergartens, seasons, the matrix."""

    parent_page_types = ["core.HomePage"]
    subpage_types = ["heritage.CraftPage"]
    max_count = 1

    class Meta:
        verbose_name = _("heritage programme page")

    def get_context(self, request, *args, **kwargs):
        from . import services

        context = super().get_context(request, *args, **kwargs)
        context.update(services.programme_overview(self))
        return context

    @path("lessons/")
    def lessons(self, request):
        from .views import lesson_listing

        return lesson_listing(request, self)


class CraftPage(Page):
    """One intangible-heritage craft, its craftsman and craft base; lessons sit under it."""

    class Category(models.TextChoices):
        FOLK_LITERATURE = "folk_literature", _("Folk literature")
        TRADITIONAL_MUSIC = "traditional_music", _("Traditional music")
        TRADITIONAL_DANCE = "traditional_dance", _("Traditional dance")
        TRADITIONAL_DRAMA = "traditional_drama", _("Traditional drama")
        QUYI = "quyi", _("Quyi (storytelling and ballad singing)")
        SPORTS_ACROBATICS = "sports", _("Traditional sports, recreation and acrobatics")
        FINE_ARTS = "fine_arts", _("Traditional fine arts")
        CRAFTSMANSHIP = "craftsmanship", _("Traditional craftsmanship")
        MEDICINE = "medicine", _("Traditional medicine")
        FOLK_CUSTOMS = "folk_customs", _("Folk customs")

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")
        MUNICIPAL = "municipal", _("Municipal")
        DISTRICT = "district", _("District")

    short_name = models.CharField(_("short name"), max_length=20, blank=True)
    category = models.CharField(_("heritage category"), max_length=20, choices=Category.choices)
    level = models.CharField(_("listing level"), max_length=20, choices=Level.choices)
    summary = models.CharField(_("summary"), max_length=250, blank=True)
    story = RichTextField(_("story"), blank=True)
    gallery = StreamField(GalleryBlock(), verbose_name=_("gallery"), blank=True)
    craftsman = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("craftsman"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="crafts",
        limit_choices_to={"groups__name": CRAFTSMAN},
    )
    base_name = models.CharField(_("craft base"), max_length=100, blank=True)
    base_kindergarten = models.ForeignKey(
        "heritage.Kindergarten",
        verbose_name=_("craft base at kindergarten"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="craft_bases",
    )

    parent_page_types = ["heritage.ProgrammePage"]
    subpage_types = ["heritage.LessonPage"]

    content_panels = Page.content_panels + [
        FieldPanel("short_name"),
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("category"), FieldPanel("level")], heading=_("Listing")),
        FieldPanel("story"),
        FieldPanel("gallery"),
        MultiFieldPanel(
            [FieldPanel("craftsman"), FieldPanel("base_name"), FieldPanel("base_kindergarten")],
            heading=_("Craftsman and craft base"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("story"),
    ]

    class Meta:
        verbose_name = _("heritage craft")
        verbose_name_plural = _("heritage crafts")

    @property
    def label(self):
        return self.short_name or self.title

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = (
            LessonPage.objects.child_of(self).live().public().prefetch_related("tags")
        )
        context["craftsman_name"] = self.craftsman.get_full_name() if self.craftsman else ""
        return context


class LessonTag(TaggedItemBase):
    content_object = ParentalKey(
        "heritage.LessonPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class LessonPage(RoutablePageMixin, Page):
    """A lesson a craftsman teaches in a kindergarten, printable as a hand-out."""

    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=40)
    goals = RichTextField(_("learning goals"), features=["bold", "ul", "ol"])
    materials = models.TextField(_("materials"), help_text=_("One item per line."))
    safety_notes = models.TextField(_("safety notes"), blank=True)
    steps = StreamField(LessonStepsBlock(), verbose_name=_("steps"))
    tags = ClusterTaggableManager(through=LessonTag, blank=True, verbose_name=_("tags"))

    parent_page_types = ["heritage.CraftPage"]
    subpage_types = []

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("age_band"), FieldPanel("duration_minutes"), FieldPanel("tags")],
            heading=_("Lesson"),
        ),
        FieldPanel("goals"),
        FieldPanel("materials"),
        FieldPanel("safety_notes"),
        FieldPanel("steps"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("goals"),
        index.SearchField("materials"),
        index.FilterField("age_band"),
    ]

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @property
    def materials_list(self):
        return [line.strip() for line in self.materials.splitlines() if line.strip()]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["craft"] = self.get_parent().specific
        return context

    @path("print/")
    def print_view(self, request):
        return self.render(request, template="heritage/lesson_page_print.html")


# ---------------------------------------------------------------- kindergartens


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

    objects = KindergartenQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("short_name"),
        FieldPanel("address"),
        FieldPanel("teachers"),
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


# ---------------------------------------------------------------- sessions


class SessionSeries(models.Model):
    """A repeating rule; its occurrences are ordinary sessions that point back to it."""

    weekdays = models.CharField(_("weekdays"), max_length=20, help_text=_("0 = Monday"))
    interval_weeks = models.PositiveSmallIntegerField(_("every N weeks"), default=1)
    starts_on = models.DateField(_("first day"))
    until = models.DateField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("session series")
        verbose_name_plural = _("session series")

    def __str__(self):
        return f"{self.starts_on} – {self.until}"


class SessionQuerySet(models.QuerySet):
    def for_user(self, user):
        """Sessions a user may see: all for managers, their kindergartens' for teachers,
        the ones they teach for craftsmen."""
        if not user.is_authenticated:
            return self.none()
        if is_manager(user):
            return self.all()
        scope = Q(pk__in=[])
        if has_role(user, TEACHER):
            scope |= Q(
                class_group__kindergarten__in=Kindergarten.teachers.through.objects.filter(
                    user=user
                ).values("kindergarten_id")
            )
        if has_role(user, CRAFTSMAN):
            scope |= Q(craftsman=user)
        return self.filter(scope)

    def editable_by(self, user):
        """Sessions a user may reschedule or cancel: managers, and teachers of the class."""
        if is_manager(user):
            return self.all()
        if not has_role(user, TEACHER):
            return self.none()
        return self.filter(
            class_group__kindergarten__in=Kindergarten.teachers.through.objects.filter(
                user=user
            ).values("kindergarten_id")
        )

    def active(self):
        return self.exclude(status=Session.Status.CANCELLED)

    def with_related(self):
        return self.select_related(
            "lesson", "craft", "class_group__kindergarten", "craftsman", "teacher", "roll_call"
        )


class Session(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    lesson = models.ForeignKey(
        LessonPage, verbose_name=_("lesson"), on_delete=models.PROTECT, related_name="sessions"
    )
    craft = models.ForeignKey(
        CraftPage, verbose_name=_("craft"), on_delete=models.PROTECT, related_name="sessions"
    )
    class_group = models.ForeignKey(
        ClassGroup, verbose_name=_("class group"), on_delete=models.CASCADE, related_name="sessions"
    )
    craftsman = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("craftsman"),
        on_delete=models.PROTECT,
        related_name="taught_sessions",
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("teacher"),
        on_delete=models.PROTECT,
        related_name="hosted_sessions",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=100)
    season = models.ForeignKey(
        Season,
        verbose_name=_("season"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    series = models.ForeignKey(
        SessionSeries,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED
    )
    change_reason = models.CharField(_("reason for the change"), max_length=200, blank=True)
    sequence = models.PositiveIntegerField(
        _("calendar revision"),
        default=0,
        editable=False,
        help_text=_("Goes up when the session moves or is cancelled, so calendar apps update."),
    )
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("class session")
        verbose_name_plural = _("class sessions")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["starts_at"]),
            models.Index(fields=["craftsman", "starts_at"]),
            models.Index(fields=["class_group", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            )
        ]

    # What a calendar app shows: a change to any of these is a new revision (SEQUENCE).
    CALENDAR_FIELDS = (
        "starts_at",
        "ends_at",
        "place",
        "status",
        "lesson_id",
        "class_group_id",
        "craftsman_id",
    )

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{local:%Y-%m-%d %H:%M} {self.class_group} · {self.lesson.title}"

    def save(self, *args, **kwargs):
        snapshot = getattr(self, "_calendar_snapshot", None)
        if snapshot is not None and snapshot != self._calendar_state():
            self.sequence += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "sequence"}
        super().save(*args, **kwargs)
        self._calendar_snapshot = self._calendar_state()

    def get_absolute_url(self):
        return reverse("heritage:session", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._calendar_snapshot = instance._calendar_state()
        return instance

    def _calendar_state(self):
        return tuple(self.__dict__.get(name) for name in self.CALENDAR_FIELDS)

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED


class RollCall(models.Model):
    session = models.OneToOneField(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="roll_call"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("roll call")
        verbose_name_plural = _("roll calls")

    def __str__(self):
        return str(self.session)


class AttendanceQuerySet(models.QuerySet):
    def for_user(self, user):
        """The marks of the sessions a user may see."""
        return self.filter(session__in=Session.objects.for_user(user))


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", pgettext_lazy("attendance", "Present")
        LATE = "late", pgettext_lazy("attendance", "Late")
        EXCUSED = "excused", pgettext_lazy("attendance", "Excused")
        ABSENT = "absent", pgettext_lazy("attendance", "Absent")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendance"
    )
    child = models.ForeignKey(
        Child, verbose_name=_("child"), on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "child"], name="one_mark_per_child")
        ]

    def __str__(self):
        return f"{self.child} · {self.get_status_display()}"


def new_feed_token():
    return secrets.token_urlsafe(24)


class FeedToken(models.Model):
    """A private, revocable calendar address for a person or a kindergarten."""

    class Kind(models.TextChoices):
        TEACHER = "teacher", _("My sessions as a teacher")
        CRAFTSMAN = "craftsman", _("My sessions as a craftsman")
        KINDERGARTEN = "kindergarten", _("All sessions of a kindergarten")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="heritage_feeds"
    )
    kindergarten = models.ForeignKey(
        Kindergarten, null=True, blank=True, on_delete=models.CASCADE, related_name="feeds"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.owner}"

    def get_absolute_url(self):
        return reverse("heritage:feed", args=[self.token])
