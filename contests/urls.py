from django.urls import path

from .views import judging, manage

app_name = "contests"

urlpatterns = [
    path("manage/", manage.contests, name="manage"),
    path("manage/contest/<int:pk>/", manage.contest_detail, name="contest"),
    path("manage/contest/<int:pk>/import/", manage.import_entrants_view, name="import_entrants"),
    path("manage/event/<int:pk>/", manage.event_detail, name="event"),
    path("manage/event/<int:pk>/scheme/", manage.scheme, name="scheme"),
    path("manage/event/<int:pk>/scheme/copy/", manage.copy_scheme_view, name="copy_scheme"),
    path("manage/event/<int:pk>/scheme/import/", manage.import_scheme_view, name="import_scheme"),
    path("manage/event/<int:pk>/entrants/", manage.entrants, name="entrants"),
    path(
        "manage/event/<int:pk>/entrants/<int:entrant_pk>/status/",
        manage.entrant_status,
        name="entrant_status",
    ),
    path("manage/event/<int:pk>/judges/", manage.judges, name="judges"),
    path("manage/event/<int:pk>/sheets/<int:sheet_pk>/unlock/", manage.unlock, name="unlock"),
    path("manage/event/<int:pk>/scores/import/", manage.import_scores_view, name="import_scores"),
    path("manage/event/<int:pk>/publish/", manage.publish, name="publish"),
    path("manage/event/<int:pk>/results.csv", manage.export, {"fmt": "csv"}, name="export_csv"),
    path("manage/event/<int:pk>/results.xlsx", manage.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("manage/event/<int:pk>/print/", manage.print_sheets, name="print_sheets"),
    path("manage/event/<int:pk>/certificates/", manage.certificates_start, name="certificates"),
    path(
        "manage/event/<int:pk>/certificates/progress/",
        manage.certificates_progress,
        name="certificates_progress",
    ),
    path("manage/objections/<int:pk>/", manage.objection_answer, name="objection"),
    path("judging/", judging.my_sheets, name="my_sheets"),
    path("judging/sheet/<int:pk>/", judging.sheet, name="sheet"),
]
