from django.urls import path

from .views import (
    calendar,
    confirmation,
    dashboard,
    entries,
    exports,
    manager,
    pairings,
    photos,
    portfolio,
)

app_name = "academy"

urlpatterns = [
    path("my/", dashboard.dashboard, name="dashboard"),
    path("pairings/", manager.ManagerPairingListView.as_view(), name="manager_pairings"),
    path("pairings/overview/", manager.pairing_overview, name="pairing_overview"),
    path("pairings/import/", manager.pairing_import, name="pairing_import"),
    path("profiles/import/", manager.profile_import, name="profile_import"),
    path(
        "profiles/import/template.<str:format>",
        manager.profile_import_template,
        name="profile_import_template",
    ),
    path(
        "pairings/import/template.<str:format>",
        manager.pairing_import_template,
        name="pairing_import_template",
    ),
    path("pairings/<int:pk>/", pairings.pairing_detail, name="pairing"),
    path("pairings/<int:pk>/log/", entries.entry_create, name="entry_create"),
    path("pairings/<int:pk>/status/", pairings.pairing_status, name="pairing_status"),
    path("pairings/<int:pk>/publicity/", pairings.pairing_publicity, name="pairing_publicity"),
    path("pairings/<int:pk>/complete/", pairings.pairing_complete, name="pairing_complete"),
    path(
        "pairings/<int:pk>/logbook.<str:format>",
        exports.LogbookExportView.as_view(),
        name="logbook_export",
    ),
    path("pairings/<int:pk>/evidence/", portfolio.evidence_add, name="evidence_add"),
    path("pairings/<int:pk>/portfolio/", portfolio.portfolio_list, name="portfolio"),
    path("pairings/<int:pk>/reviews/new/", portfolio.review_add, name="review_add"),
    path("pairings/<int:pk>/portfolio.pdf", portfolio.portfolio_download, name="portfolio_pdf"),
    path("evidence/<int:pk>/file/", portfolio.evidence_file, name="portfolio_file"),
    path("evidence/<int:pk>/file/<str:size>/", portfolio.evidence_file, name="portfolio_thumb"),
    path("evidence/<int:pk>/remove/", portfolio.evidence_remove, name="evidence_remove"),
    path("reviews/<int:pk>/sign/", portfolio.review_sign, name="review_sign"),
    path("entries/<int:pk>/", entries.entry_detail, name="entry"),
    path("entries/<int:pk>/query/", portfolio.entry_query, name="entry_query"),
    path("entries/<int:pk>/edit/", entries.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/confirm/", confirmation.entry_confirm, name="entry_confirm"),
    path("entries/<int:pk>/unlock/", confirmation.entry_unlock, name="entry_unlock"),
    path("entries/<int:pk>/delete/", entries.entry_delete, name="entry_delete"),
    path("photos/<int:pk>/remove/", photos.photo_remove, name="photo_remove"),
    path("photos/<int:pk>/<str:size>/", photos.photo, name="photo"),
    path("activities.ics", calendar.activities_ical, name="activities_ical"),
]
