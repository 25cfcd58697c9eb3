"""Model workers and folk craftsmen: their profiles, honours, the honours roll and showcase."""

from typing import NamedTuple

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.models import SectionPage
from core.page_views import call_page_view

from .pairings import Pairing
from .studios import LEVEL_ORDER, Level


class ProfileIndexPage(RoutablePageMixin, SectionPage):
    """Model workers and folk craftsmen: the honours roll and the craftsman showcase."""

    parent_page_types = ["academy.AcademyPage"]
    subpage_types = ["academy.ProfilePage"]
    max_count = 1

    class Meta:
        verbose_name = _("profile index")

    def profiles(self):
        return ProfilePage.objects.child_of(self).live().public()

    @path("")
    def index(self, request):
        counts = self.profiles().aggregate(
            model_workers=Count("pk", filter=Q(kind=ProfilePage.Kind.MODEL_WORKER)),
            craftsmen=Count("pk", filter=Q(kind=ProfilePage.Kind.FOLK_CRAFTSMAN)),
        )
        return self.render(request, context_overrides={"counts": counts})

    @path("honours/", name="honours")
    def honours_roll(self, request):
        honours = (
            Honour.objects.filter(profile__in=self.profiles())
            .select_related("profile", "profile__trade")
            .order_by("year", "profile__title")
        )
        honours = list(honours)
        mentees = mentees_by_mentor({honour.profile.person_id for honour in honours})
        groups = {}
        for honour in honours:
            honour.mentees = mentees.get(honour.profile.person_id, [])
            groups.setdefault(honour.level, {}).setdefault(honour.year, []).append(honour)
        roll = [
            {
                "level": level,
                "label": level.label,
                "count": sum(len(items) for items in groups[level].values()),
                "years": sorted(groups[level].items(), reverse=True),
            }
            for level in LEVEL_ORDER
            if level in groups
        ]
        return self.render(
            request,
            template="academy/honours_roll.html",
            context_overrides={"roll": roll},
        )

    @path("craftsmen/", name="craftsmen")
    def craftsmen(self, request):
        # The folk craftsmen, filtered by trade: academy.views.public.craftsmen.
        return call_page_view(self, "craftsmen", self, request)


class ProfilePage(Page):
    """A model worker or a folk craftsman: photo, employer, trade, honours, studio, story."""

    class Kind(models.TextChoices):
        MODEL_WORKER = "model_worker", _("Model worker")
        FOLK_CRAFTSMAN = "folk_craftsman", _("Folk craftsman")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    work_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image of their work"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown on the folk craftsmen's cards and on the profile."),
    )
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    trade = models.ForeignKey(
        "academy.Trade",
        verbose_name=_("trade"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="profiles",
    )
    person = models.ForeignKey(
        "auth.User",
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="academy_profiles",
        help_text=_("Link the profile to the person's login to count the apprentices they mentor."),
    )
    story = RichTextField(_("story"), blank=True, features=["bold", "italic", "link", "ul"])

    parent_page_types = ["academy.ProfileIndexPage"]
    subpage_types = []

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("photo"), FieldPanel("work_image")]),
        FieldRowPanel([FieldPanel("employer"), FieldPanel("trade")]),
        FieldPanel("person"),
        InlinePanel("honours", label=_("Honours")),
        FieldPanel("story"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("employer"),
        index.SearchField("story"),
    ]

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["led_studios"] = self.led_studios.live().public()
        context["member_of"] = self.studios.live().public()
        context["apprentice_count"] = (
            Pairing.objects.filter(mentor_id=self.person_id)
            .values("apprentice_id")
            .distinct()
            .count()
            if self.person_id
            else 0
        )
        context["mentees"] = mentees_by_mentor({self.person_id}).get(self.person_id, [])
        return context


class Mentee(NamedTuple):
    name: str
    profile: "ProfilePage | None"


def mentees_by_mentor(person_ids):
    """The apprentices who agreed to be named on their mentor's profile, per mentor, with
    their own public profile where they have one (two queries)."""
    person_ids = {pk for pk in person_ids if pk}
    if not person_ids:
        return {}
    pairings = list(
        Pairing.objects.filter(mentor_id__in=person_ids, shown_on_mentor_profile=True)
        .exclude(status=Pairing.Status.WITHDRAWN)
        .select_related("apprentice")
        .order_by("start", "pk")
    )
    profiles = {
        profile.person_id: profile
        for profile in ProfilePage.objects.live()
        .public()
        .filter(person_id__in={pairing.apprentice_id for pairing in pairings})
    }
    found = {}
    for pairing in pairings:
        found.setdefault(pairing.mentor_id, {}).setdefault(
            pairing.apprentice_id,
            Mentee(pairing.apprentice_name, profiles.get(pairing.apprentice_id)),
        )
    return {mentor: list(apprentices.values()) for mentor, apprentices in found.items()}


class Honour(Orderable):
    profile = ParentalKey(ProfilePage, on_delete=models.CASCADE, related_name="honours")
    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("year"))

    panels = [FieldPanel("title"), FieldRowPanel([FieldPanel("level"), FieldPanel("year")])]

    class Meta(Orderable.Meta):
        verbose_name = _("honour")
        verbose_name_plural = _("honours")

    def __str__(self):
        return f"{self.title} ({self.year})"
