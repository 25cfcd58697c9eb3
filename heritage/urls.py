from django.urls import path

from . import views

app_name = "heritage"

urlpatterns = [
    path("my-week/", views.my_week, name="my_week"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/move/", views.session_move, name="session_move"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/roll-call/", views.roll_call, name="roll_call"),
    path("kindergartens/", views.kindergarten_list, name="kindergartens"),
    path("kindergartens/<int:pk>/", views.kindergarten_detail, name="kindergarten"),
    path("classes/<int:pk>/", views.class_group_detail, name="class_group"),
    path("plan/", views.plan, name="plan"),
    path("plan/generate/", views.plan_generate, name="plan_generate"),
    path("reports/", views.reports, name="reports"),
    path(
        "reports/export.<str:export_format>",
        views.attendance_export,
        name="reports_export",
    ),
    path("lessons/", views.my_lessons, name="my_lessons"),
    path("crafts/<int:craft_pk>/lessons/new/", views.lesson_new, name="lesson_new"),
    path("lessons/<int:pk>/edit/", views.lesson_edit, name="lesson_edit"),
    path("lessons/<int:pk>/preview/", views.lesson_preview, name="lesson_preview"),
    path("feeds/", views.feeds, name="feeds"),
    path("feeds/<int:pk>/revoke/", views.feed_revoke, name="feed_revoke"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
