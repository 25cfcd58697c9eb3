"""Class sessions (single or in a series), their roll calls and the private calendar feeds."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.roles import CRAFTSMAN, TEACHER, has_role, is_manager

from .pages import CraftPage, LessonPage
from .programme import Child, ClassGroup, Kindergarten, Season


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


class FeedTokenQuerySet(models.QuerySet):
    def for_user(self, user):
        """A person's own calendar addresses: nobody else may see or revoke them."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


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

    objects = FeedTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.owner}"

    def get_absolute_url(self):
        return reverse("heritage:feed", args=[self.token])
