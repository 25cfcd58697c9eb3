"""What the heritage programme makes findable: its lessons and its crafts (never a child:
kindergartens' class groups and children are not searched at all)."""

from django.utils.translation import pgettext, pgettext_lazy

from core.search import PAGE_FIELDS, Hit, SearchKind, plain, tagged

from .models import CraftPage, LessonPage, LessonTag


def find_lessons(search):
    lessons = (
        search.pages(LessonPage)
        .filter(
            search.matching(
                (*PAGE_FIELDS, "goals", "materials", "safety_notes"), related=(tagged(LessonTag),)
            )
        )
        .order_by(search.title_first(), "path")[: search.fetch_size]
    )
    return [
        Hit(
            title=lesson.title,
            url=search.url(lesson),
            text=" ".join(
                part
                for part in (
                    lesson.search_description,
                    plain(lesson.goals),
                    " ".join(lesson.materials_list),
                    lesson.safety_notes,
                )
                if part
            ),
            meta=f"{lesson.get_age_band_display()} · "
            + pgettext("search results", "%(minutes)s minutes")
            % {"minutes": lesson.duration_minutes},
        )
        for lesson in lessons
    ]


def find_crafts(search):
    crafts = (
        search.pages(CraftPage)
        .filter(search.matching((*PAGE_FIELDS, "short_name", "summary", "story", "base_name")))
        .order_by(search.title_first(), "path")[: search.fetch_size]
    )
    return [
        Hit(
            title=craft.title,
            url=search.url(craft),
            text=" ".join(
                part for part in (craft.summary, plain(craft.story), craft.base_name) if part
            ),
            meta=f"{craft.get_category_display()} · {craft.get_level_display()}",
        )
        for craft in crafts
    ]


def suggest_crafts():
    return list(
        CraftPage.objects.live()
        .public()
        .exclude(short_name="")
        .order_by("path")
        .values_list("short_name", flat=True)[:4]
    )


KINDS = [
    SearchKind("lessons", pgettext_lazy("search results", "Lessons"), 10, find_lessons),
    SearchKind(
        "crafts", pgettext_lazy("search results", "Crafts"), 20, find_crafts, suggest_crafts
    ),
]
