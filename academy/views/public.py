"""The public pages' lists, filtered by query parameters: the studios and the folk craftsmen.

The page models route to these views by name (``core.page_views``): a filter value they do not
know answers 400, with the error beside the filter and nothing listed.
"""

from django.db.models import Count, Prefetch
from taggit.models import Tag
from wagtail.images import get_image_model

from core.page_views import page_view

from ..filters import CraftsmanFilter, StudioFilter
from ..models import ProfileIndexPage, ProfilePage, StudioIndexPage, StudioPage, Trade
from ..pagination import paginate


@page_view(StudioIndexPage, "studios")
def studios(index, request):
    """The index's context: its studios, by trade and level (the page answers 400 if bad)."""
    studios = StudioPage.objects.child_of(index).live().public()
    trades = (
        Tag.objects.filter(academy_studiotradetag_items__content_object__in=studios)
        .distinct()
        .order_by("name")
    )
    filters = StudioFilter(request.GET, queryset=studios, trades=trades)
    chosen = filters.qs if filters.is_valid() else studios.none()
    return {
        "filter": filters,
        "studios": paginate(
            request, chosen.select_related("leader").prefetch_related("trades").order_by("title")
        ),
    }


PORTRAIT = "fill-96x96"
WORK = "fill-480x300"


@page_view(ProfileIndexPage, "craftsmen")
def craftsmen(index, request):
    Image = get_image_model()
    craftsmen = index.profiles().filter(kind=ProfilePage.Kind.FOLK_CRAFTSMAN)
    trades = (
        Trade.objects.filter(profiles__in=craftsmen).annotate(n=Count("profiles")).order_by("name")
    )
    filters = CraftsmanFilter(request.GET, queryset=craftsmen)
    valid = filters.is_valid()
    trade = filters.form.cleaned_data.get("trade") if valid else None
    response = index.render(
        request,
        template="academy/craftsman_showcase.html",
        context_overrides={
            "filter": filters,
            "craftsmen": paginate(
                request,
                (filters.qs if valid else craftsmen.none())
                .select_related("trade")
                .prefetch_related(
                    Prefetch("photo", queryset=Image.objects.prefetch_renditions(PORTRAIT)),
                    Prefetch("work_image", queryset=Image.objects.prefetch_renditions(WORK)),
                )
                .order_by("title"),
                per_page=24,
            ),
            "trades": trades,
            "selected_trade": trade.slug if trade else "",
        },
    )
    if not valid:
        response.status_code = 400
    return response
