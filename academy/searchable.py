"""What the academy makes findable: model workers and folk craftsmen, innovation studios and
activities."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import pgettext_lazy

from core.search import PAGE_FIELDS, Hit, SearchKind, plain, tagged

from .models import ActivityPage, ProfilePage, StudioPage, StudioTradeTag


def _meta(*parts):
    return " · ".join(str(part) for part in parts if part)


def find_people(search):
    people = (
        search.pages(ProfilePage)
        .filter(search.matching((*PAGE_FIELDS, "employer", "story", "trade__name")))
        .select_related("trade")
        .order_by(search.title_first(), "path")[: search.fetch_size]
    )
    return [
        Hit(
            title=person.title,
            url=search.url(person),
            text=plain(person.story) or person.search_description,
            meta=_meta(
                person.get_kind_display(),
                person.trade.name if person.trade else "",
                person.employer,
            ),
        )
        for person in people
    ]


def find_studios(search):
    studios = (
        search.pages(StudioPage)
        .filter(
            search.matching((*PAGE_FIELDS, "place", "focus"), related=(tagged(StudioTradeTag),))
        )
        .order_by(search.title_first(), "path")[: search.fetch_size]
    )
    return [
        Hit(
            title=studio.title,
            url=search.url(studio),
            text=plain(studio.focus) or studio.search_description,
            meta=_meta(studio.get_level_display(), studio.year_recognised, studio.place),
        )
        for studio in studios
    ]


def find_activities(search):
    activities = (
        search.pages(ActivityPage)
        .filter(search.matching((*PAGE_FIELDS, "summary", "place", "speakers")))
        .order_by(search.title_first(), "-starts_at")[: search.fetch_size]
    )
    return [
        Hit(
            title=activity.title,
            url=search.url(activity),
            text=" ".join(part for part in (activity.summary, activity.speakers) if part),
            meta=_meta(
                date_format(timezone.localtime(activity.starts_at), "Y-m-d H:i"), activity.place
            ),
        )
        for activity in activities
    ]


def suggest_trades():
    return list(
        ProfilePage.objects.live()
        .public()
        .filter(trade__isnull=False)
        .order_by("trade__name")
        .values_list("trade__name", flat=True)
        .distinct()[:2]
    )


KINDS = [
    SearchKind(
        "people", pgettext_lazy("search results", "People"), 30, find_people, suggest_trades
    ),
    SearchKind("studios", pgettext_lazy("search results", "Studios"), 40, find_studios),
    SearchKind("activities", pgettext_lazy("search results", "Activities"), 50, find_activities),
]
