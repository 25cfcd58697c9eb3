from django.urls import path

from .views import judging
from .views.manage import codes, contests, entrants, events, grids, results, scheme

app_name = "contests"

urlpatterns = [
    path("manage/", contests.contests, name="manage"),
    path("manage/contest/<int:pk>/", contests.contest_detail, name="contest"),
    path("manage/contest/<int:pk>/import/", contests.import_entrants_view, name="import_entrants"),
    path("manage/event/<int:pk>/", events.event_detail, name="event"),
    path("manage/event/<int:pk>/scheme/", scheme.scheme, name="scheme"),
    path("manage/event/<int:pk>/scheme/copy/", scheme.copy_scheme_view, name="copy_scheme"),
    path("manage/event/<int:pk>/scheme/import/", scheme.import_scheme_view, name="import_scheme"),
    path("manage/event/<int:pk>/entrants/", entrants.entrants, name="entrants"),
    path(
        "manage/event/<int:pk>/entrants/<int:entrant_pk>/status/",
        entrants.entrant_status,
        name="entrant_status",
    ),
    path("manage/event/<int:pk>/judges/", events.judges, name="judges"),
    path("manage/event/<int:pk>/codes/", codes.table, name="codes"),
    path("manage/event/<int:pk>/codes/draw/", codes.draw, name="draw_codes"),
    path("manage/event/<int:pk>/matrix/", grids.matrix, name="matrix"),
    path("manage/event/<int:pk>/completion/", grids.completion, name="completion"),
    path("manage/event/<int:pk>/sheets/<int:sheet_pk>/unlock/", events.unlock, name="unlock"),
    path("manage/event/<int:pk>/scores/import/", events.import_scores_view, name="import_scores"),
    path("manage/event/<int:pk>/publish/", results.publish, name="publish"),
    path("manage/event/<int:pk>/results.csv", results.export, {"fmt": "csv"}, name="export_csv"),
    path("manage/event/<int:pk>/results.xlsx", results.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("manage/event/<int:pk>/print/", results.print_sheets, name="print_sheets"),
    path("manage/event/<int:pk>/certificates/", results.certificates_start, name="certificates"),
    path(
        "manage/event/<int:pk>/certificates/progress/",
        results.certificates_progress,
        name="certificates_progress",
    ),
    path("manage/objections/<int:pk>/", results.objection_answer, name="objection"),
    path("judging/", judging.my_sheets, name="my_sheets"),
    path("judging/sheet/<int:pk>/", judging.sheet, name="sheet"),
]
