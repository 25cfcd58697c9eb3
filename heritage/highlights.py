from django.utils.translation import gettext as _

from core.highlights import Highlight, HighlightItem

from .models import LessonPage, ProgrammePage


def highlight(request):
    section = ProgrammePage.objects.live().public().first()
    if section is None:
        return None
    lessons = LessonPage.objects.live().public().order_by("-first_published_at", "-pk")[:3]
    return Highlight(
        title=_("New heritage lessons"),
        url=section.get_url(request),
        more=_("The crafts, the kindergartens and every lesson"),
        empty=_("No lesson is published yet."),
        items=[
            HighlightItem(
                text=lesson.title,
                url=lesson.get_url(request),
                meta=lesson.get_age_band_display(),
            )
            for lesson in lessons
        ],
    )
