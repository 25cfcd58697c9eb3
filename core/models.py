"""The home page and the certificates every section issues and the public verifies."""

import secrets
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import BaseStreamBlock
from .highlights import home_highlights
from .routing import route_along_path, site_for_request

__all__ = [
    "SectionPage",
    "HomePage",
    "Certificate",
    "SiteIdentity",
    "PendingTask",
    "PendingPhoto",
    "WorkerHeartbeat",
]


class SectionPage(Page):
    """A page with an introduction and a free body: the base of the home and section pages."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BaseStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        abstract = True


class HomePage(SectionPage):
    """The site root: the federation's welcome and a door to each of the three sections."""

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["academy.AcademyPage", "contests.ContestIndexPage", "heritage.ProgrammePage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        return route_along_path(self, request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = self.get_children().live().public().specific()
        context["highlights"] = home_highlights(request)
        return context


# Unambiguous characters only: a code is read off paper and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_certificate_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


class Certificate(models.Model):
    """A certificate the public can verify by its code: apprenticeship completions, awards."""

    class Kind(models.TextChoices):
        APPRENTICESHIP = "apprenticeship", _("Apprenticeship completion")
        CONTEST = "contest", _("Contest award")

    code = models.CharField(
        _("verification code"), max_length=16, unique=True, default=new_certificate_code
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    recipient_name = models.CharField(_("recipient"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    issued_on = models.DateField(_("issued on"), default=timezone.localdate)
    issuer = models.CharField(_("issuer"), max_length=200, default="奉化区总工会")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("reissued as"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
    )
    png = models.FileField(_("image"), upload_to="certificates/%Y/", blank=True)
    pdf = models.FileField(_("PDF"), upload_to="certificates/%Y/", blank=True)
    source_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_valid_certificate_per_source",
            )
        ]

    def __str__(self):
        return f"{self.code} · {self.recipient_name} · {self.title}"

    def get_absolute_url(self):
        return reverse("core:verify_code", kwargs={"code": self.code})

    @property
    def is_valid(self):
        return self.revoked_at is None

    @property
    def is_rendered(self):
        return bool(self.png and self.pdf)

    def get_verification_url(self):
        base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
        with translation.override(settings.LANGUAGE_CODE):
            return f"{base}{self.get_absolute_url()}"


@register_setting(icon="site")
class SiteIdentity(BaseSiteSetting):
    """What every page says of who runs the site, as Chinese public sites must show it."""

    name = models.CharField(_("site name"), max_length=60, default="奉化区劳模工匠学院")
    name_en = models.CharField(
        _("site name in English"),
        max_length=80,
        default="Fenghua District Model Worker and Craftsman Academy",
    )
    organisation = models.CharField(
        _("organisation"), max_length=80, default="宁波市奉化区总工会", blank=True
    )
    address = models.CharField(_("address"), max_length=120, blank=True)
    phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    icp_number = models.CharField(
        _("ICP filing number"),
        max_length=40,
        blank=True,
        help_text=_(
            "For example 浙ICP备12345678号-1; shown in the footer, linked to the filing site."
        ),
    )
    public_security_number = models.CharField(
        _("public security filing number"),
        max_length=40,
        blank=True,
        help_text=_("For example 浙公网安备 33028302000000号; shown in the footer where set."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("organisation"),
        FieldPanel("address"),
        FieldPanel("phone"),
        FieldPanel("email"),
        FieldPanel("icp_number"),
        FieldPanel("public_security_number"),
    ]

    class Meta:
        verbose_name = _("site identity")

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.name_en if translation.get_language() == "en" else self.name

    @property
    def public_security_code(self):
        """The digits the public security filing site looks a number up by."""
        return "".join(ch for ch in self.public_security_number if ch.isdigit())


IDENTITY_FIELDS = (
    "name",
    "name_en",
    "organisation",
    "address",
    "phone",
    "email",
    "icp_number",
    "public_security_number",
)
IDENTITY_VERSION_KEY = "site-identity:version"


def site_identity_for_request(request):
    """The site identity for the request's host, kept in the shared cache: once warm, the header
    and footer of every page cost no query. Saving the identity makes a new version."""
    from django.core.cache import cache

    version = cache.get_or_set(IDENTITY_VERSION_KEY, lambda: timezone.now().timestamp(), None)
    key = f"site-identity:{version}:{request.get_host()}"
    values = cache.get(key)
    if values is None:
        site_for_request(request)  # the site from the shared cache, for Wagtail to find
        identity = SiteIdentity.for_request(request)
        values = {field: getattr(identity, field) for field in IDENTITY_FIELDS}
        cache.set(key, values, timeout=None)
    return SiteIdentity(**values)


def forget_site_identity(**_kwargs):
    from django.core.cache import cache

    cache.set(IDENTITY_VERSION_KEY, timezone.now().timestamp(), None)


class PendingTask(models.Model):
    """Background work recorded in the transaction that asked for it (``core.outbox``).

    The row outlives a broker that is down: it is sent after the commit, sent again by the
    periodic sweep until a worker has run it, and the run claims the row so that it happens
    once however many times its message is delivered. Bookkeeping only, never shown to users.
    """

    class Status(models.TextChoices):
        PENDING = "pending"  # not sent yet, or its run failed and will be tried again
        SENT = "sent"  # on the broker, waiting for a worker
        RUNNING = "running"  # claimed by a worker
        DONE = "done"
        FAILED = "failed"  # failed OUTBOX_MAX_ATTEMPTS times: left for an operator

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    task_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    tried_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "tried_at"], name="pendingtask_due")]

    def __str__(self):
        return f"{self.task_name}{tuple(self.args)} · {self.status}"


def new_pending_token():
    return secrets.token_urlsafe(24)


class PendingPhotoQuerySet(models.QuerySet):
    def for_user(self, user):
        """Only the person who uploaded a pending photo may see or use it."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class PendingPhoto(models.Model):
    """A cleaned photo chosen on a form that was refused for another reason.

    The re-rendered form carries its opaque ``token`` in a hidden input, so the photo is not
    chosen again; saving the form attaches it. Unused ones are deleted after a day
    (``core.tasks.clear_pending_photos``).
    """

    token = models.CharField(max_length=40, unique=True, default=new_pending_token)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to="pending_photos/")
    name = models.CharField(max_length=255, blank=True)  # as the person chose it
    captured_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = PendingPhotoQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.name or self.token


class WorkerHeartbeat(models.Model):
    """When a Celery worker last ran beat's heartbeat task (``core.tasks.heartbeat``), kept in
    the database so that /healthz can tell a stopped worker or beat even after a cache restart."""

    name = models.CharField(max_length=40, unique=True, default="celery")
    beat_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"


class CalendarDay(models.Model):
    """A day China's official calendar sets apart: a statutory holiday, or a weekend day worked
    in its place (调休). Days not listed are ordinary: Monday to Friday working, weekends off.

    Managers keep the table in the admin; a year's schedule is entered when the State Council
    publishes it. Years the ``chinesecalendar`` package knows are filled in after ``migrate``
    (``core.holidays.seed_from_package``), never over a year already in the table.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Statutory holiday")
        WORKDAY = "workday", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(
        _("holiday"),
        max_length=40,
        help_text=_("For example 春节; a make-up day names its holiday."),
    )

    panels = [FieldPanel("date"), FieldPanel("kind"), FieldPanel("name")]

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday or make-up day")
        verbose_name_plural = _("holidays and make-up days")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name} ({self.get_kind_display()})"


# WeCom's rule for a member's account (UserID): 1 to 64 letters, digits and _ - . @, the first
# a letter or a digit.
wecom_userid_validator = RegexValidator(
    r"\A[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}\Z",
    _(
        "A WeCom userid has 1 to 64 letters, digits and the signs _ - . @, and starts with a "
        "letter or a digit. Copy it from your profile in WeCom (我 → 个人信息 → 账号)."
    ),
)


class WeComAccount(models.Model):
    """The WeCom (企业微信) member a user receives notices as: their own userid in the corp,
    entered by the user on their account page (``core.views.wecom_account``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wecom_account"
    )
    userid = models.CharField(
        _("WeCom userid"),
        max_length=64,
        validators=[wecom_userid_validator],
        help_text=_("Your account (账号) in the federation's WeCom, such as zhangsan."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("WeCom account")
        verbose_name_plural = _("WeCom accounts")

    def __str__(self):
        return f"{self.user} → {self.userid}"
