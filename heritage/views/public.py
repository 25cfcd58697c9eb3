"""The public views behind the programme page (registered with core.page_views): its data,
and the listing of every lesson, filtered by craft, age band and tag."""

from django.core.paginator import Paginator
from django.shortcuts import render
from taggit.models import Tag
from wagtail.models import Page

from core.page_views import page_view

from ..filters import LessonFilter
from ..models import CraftPage, LessonPage, ProgrammePage
from ..services.matrix import programme_overview


@page_view(ProgrammePage, "context")
def programme_context(request, programme):
    """Seasons, crafts, kindergartens and the coverage matrix, for the programme page."""
    return programme_overview(programme)


@page_view(ProgrammePage, "lessons")
def lesson_listing(request, programme):
    lessons = LessonPage.objects.descendant_of(programme).live().public().order_by("path")
    filters = LessonFilter(request.GET or None, queryset=lessons, programme=programme)
    status = 200
    if filters.is_bound and not filters.is_valid():
        status = 400
        lessons = lessons.none()
    else:
        lessons = filters.qs
    page = Paginator(lessons.prefetch_related("tags"), 24).get_page(request.GET.get("page"))
    craft_titles = dict(CraftPage.objects.child_of(programme).values_list("path", "title"))
    tags = Tag.objects.filter(heritage_lessontag_items__isnull=False).distinct().order_by("name")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "heritage/lesson_listing.html",
        {
            "page": programme,
            "self": programme,
            "form": filters.form,
            "page_obj": page,
            "lessons": [
                (lesson, craft_titles.get(lesson.path[: -Page.steplen], ""))
                for lesson in page.object_list
            ],
            "tags": tags,
            "query": query.urlencode(),
        },
        status=status,
    )
