from django.urls import path

from . import views

app_name = "academy"

urlpatterns = [
    path("my/", views.dashboard, name="dashboard"),
    path("pairings/", views.ManagerPairingListView.as_view(), name="manager_pairings"),
    path("pairings/<int:pk>/", views.pairing_detail, name="pairing"),
    path("pairings/<int:pk>/log/", views.entry_create, name="entry_create"),
    path("pairings/<int:pk>/status/", views.pairing_status, name="pairing_status"),
    path("pairings/<int:pk>/complete/", views.pairing_complete, name="pairing_complete"),
    path(
        "pairings/<int:pk>/logbook.<str:format>",
        views.LogbookExportView.as_view(),
        name="logbook_export",
    ),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/confirm/", views.entry_confirm, name="entry_confirm"),
    path("entries/<int:pk>/unlock/", views.entry_unlock, name="entry_unlock"),
    path("entries/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("photos/<int:pk>/remove/", views.photo_remove, name="photo_remove"),
    path("photos/<int:pk>/<str:size>/", views.photo, name="photo"),
    path("activities.ics", views.activities_ical, name="activities_ical"),
]
