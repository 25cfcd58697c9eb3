from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.highlights import Highlight, HighlightItem

from .models import AcademyPage, ActivityPage


def highlight(request):
    section = AcademyPage.objects.live().public().first()
    if section is None:
        return None
    activities = (
        ActivityPage.objects.live()
        .public()
        .filter(starts_at__gte=timezone.now())
        .order_by("starts_at")[:3]
    )
    return Highlight(
        title=_("Coming up at the academy"),
        url=section.get_url(request),
        more=_("All activities, studios and craftsmen"),
        empty=_("No activity is scheduled yet."),
        items=[
            HighlightItem(
                text=activity.title,
                url=activity.get_url(request),
                meta=f"{date_format(timezone.localtime(activity.starts_at), 'Y-m-d H:i')}"
                f" · {activity.place}",
            )
            for activity in activities
        ],
    )
