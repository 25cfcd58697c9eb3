from django.urls import path, register_converter

from . import views


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
    path("my-week/", views.my_week, name="my_week"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/<heritage_id:pk>/", views.session_detail, name="session"),
    path("sessions/<heritage_id:pk>/move/", views.session_move, name="session_move"),
    path("sessions/<heritage_id:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<heritage_id:pk>/roll-call/", views.roll_call, name="roll_call"),
    path("kindergartens/", views.kindergarten_list, name="kindergartens"),
    path("kindergartens/<heritage_id:pk>/", views.kindergarten_detail, name="kindergarten"),
    path("classes/<heritage_id:pk>/", views.class_group_detail, name="class_group"),
    path("plan/", views.plan, name="plan"),
    path("plan/generate/", views.plan_generate, name="plan_generate"),
    path("reports/", views.reports, name="reports"),
    path(
        "reports/export.<str:export_format>",
        views.attendance_export,
        name="reports_export",
    ),
    path("lessons/", views.my_lessons, name="my_lessons"),
    path("crafts/<heritage_id:craft_pk>/lessons/new/", views.lesson_new, name="lesson_new"),
    path("lessons/<heritage_id:pk>/edit/", views.lesson_edit, name="lesson_edit"),
    path("lessons/<heritage_id:pk>/preview/", views.lesson_preview, name="lesson_preview"),
    path("feeds/", views.feeds, name="feeds"),
    path("feeds/<heritage_id:pk>/revoke/", views.feed_revoke, name="feed_revoke"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
