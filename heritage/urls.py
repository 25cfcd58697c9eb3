from django.urls import path, register_converter

from .views import (
    feeds,
    imports,
    itinerary,
    kindergartens,
    lessons,
    month,
    plan,
    reports,
    roll_call,
    sessions,
    week,
)


class IdConverter:
    """An id of at most nine digits: longer numbers cannot exist and would overflow queries."""

    regex = "[0-9]{1,9}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "heritage_id")

app_name = "heritage"

urlpatterns = [
    path("my-week/", week.my_week, name="my_week"),
    path("my-month/", month.my_month, name="my_month"),
    path("my-season/", month.my_season, name="my_season"),
    path("itinerary/", itinerary.itinerary, name="itinerary"),
    path("sessions/new/", sessions.session_new, name="session_new"),
    path("sessions/<heritage_id:pk>/", sessions.session_detail, name="session"),
    path("sessions/<heritage_id:pk>/move/", sessions.session_move, name="session_move"),
    path("sessions/<heritage_id:pk>/cancel/", sessions.session_cancel, name="session_cancel"),
    path("sessions/<heritage_id:pk>/roll-call/", roll_call.roll_call, name="roll_call"),
    path(
        "sessions/<heritage_id:pk>/roll-call/save/",
        roll_call.roll_call_save,
        name="roll_call_save",
    ),
    path("kindergartens/", kindergartens.kindergarten_list, name="kindergartens"),
    path("kindergartens/import/", imports.kindergarten_import, name="kindergarten_import"),
    path(
        "kindergartens/import/template.<str:export_format>",
        imports.kindergarten_import_template,
        name="kindergarten_import_template",
    ),
    path("kindergartens/<heritage_id:pk>/", kindergartens.kindergarten_detail, name="kindergarten"),
    path("classes/<heritage_id:pk>/", kindergartens.class_group_detail, name="class_group"),
    path("plan/", plan.plan, name="plan"),
    path("plan/generate/", plan.plan_generate, name="plan_generate"),
    path("reports/", reports.reports, name="reports"),
    path(
        "reports/export.<str:export_format>",
        reports.attendance_export,
        name="reports_export",
    ),
    path(
        "reports/summary.<str:export_format>",
        reports.attendance_summary_export,
        name="reports_summary_export",
    ),
    path("lessons/", lessons.my_lessons, name="my_lessons"),
    path("crafts/<heritage_id:craft_pk>/lessons/new/", lessons.lesson_new, name="lesson_new"),
    path("lessons/<heritage_id:pk>/edit/", lessons.lesson_edit, name="lesson_edit"),
    path("lessons/<heritage_id:pk>/preview/", lessons.lesson_preview, name="lesson_preview"),
    path("feeds/", feeds.feeds, name="feeds"),
    path("feeds/<heritage_id:pk>/revoke/", feeds.feed_revoke, name="feed_revoke"),
    path("feed/<str:token>.ics", feeds.feed, name="feed"),
]
