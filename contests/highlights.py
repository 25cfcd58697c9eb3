from django.db.models import F
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.highlights import Highlight, HighlightItem

from .models import ContestIndexPage, ResultsPage, Stage


def highlight(request):
    section = ContestIndexPage.objects.live().public().first()
    if section is None:
        return None
    results = (
        ResultsPage.objects.live()
        .public()
        .filter(stage__in=[Stage.NOTICE, Stage.FINAL])
        .select_related("event__contest")
        .order_by(F("finalised_on").desc(nulls_first=True), "-last_published_at")[:3]
    )
    items = []
    for page in results:
        if page.stage == Stage.NOTICE and page.notice_until:
            meta = _("Public notice until %(date)s") % {
                "date": date_format(page.notice_until, "Y-m-d")
            }
        else:
            meta = page.get_stage_display()
        items.append(
            HighlightItem(
                text=f"{page.event.contest.title} · {page.event.name}",
                url=page.get_url(request),
                meta=meta,
            )
        )
    return Highlight(
        title=_("Latest contest results"),
        url=section.get_url(request),
        more=_("All contests and the results archive"),
        empty=_("No results are published yet."),
        items=items,
    )
