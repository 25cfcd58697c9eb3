from django.urls import path

from .views import hall, judging, measuring
from .views.manage import codes, contests, entrants, events, grids, results, scheme
from .views.manage import hall as hall_manage

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
    path(
        "manage/event/<int:pk>/entrants/<int:entrant_pk>/",
        entrants.entrant_edit,
        name="entrant",
    ),
    path(
        "manage/event/<int:pk>/entrants/<int:entrant_pk>/withdraw/",
        entrants.entrant_withdraw,
        name="entrant_withdraw",
    ),
    path(
        "manage/event/<int:pk>/entrants/<int:entrant_pk>/delete/",
        entrants.entrant_delete,
        name="entrant_delete",
    ),
    path(
        "manage/event/<int:pk>/entrants/history/",
        entrants.entrants_history,
        name="entrants_history",
    ),
    path("manage/event/<int:pk>/entrants/order/", entrants.assign_order, name="assign_order"),
    path("manage/event/<int:pk>/check-in/", entrants.check_in, name="check_in"),
    path("manage/event/<int:pk>/boards/", hall_manage.board_create, name="board_create"),
    path(
        "manage/event/<int:pk>/boards/<int:board_pk>/standings/",
        hall_manage.board_standings,
        name="board_standings",
    ),
    path(
        "manage/event/<int:pk>/boards/<int:board_pk>/revoke/",
        hall_manage.board_revoke,
        name="board_revoke",
    ),
    path("manage/event/<int:pk>/judges/", events.judges, name="judges"),
    path("manage/event/<int:pk>/codes/", codes.table, name="codes"),
    path("manage/event/<int:pk>/codes/draw/", codes.draw, name="draw_codes"),
    path("manage/event/<int:pk>/matrix/", grids.matrix, name="matrix"),
    path("manage/event/<int:pk>/completion/", grids.completion, name="completion"),
    path("manage/event/<int:pk>/sheets/<int:sheet_pk>/unlock/", events.unlock, name="unlock"),
    path(
        "manage/event/<int:pk>/sheets/<int:sheet_pk>/paper/",
        events.submit_paper_sheet,
        name="submit_paper_sheet",
    ),
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
    path(
        "manage/event/<int:pk>/certificates.zip",
        results.certificates_zip,
        name="certificates_zip",
    ),
    path(
        "manage/event/<int:pk>/certificates.pdf",
        results.certificates_print,
        name="certificates_print",
    ),
    path("manage/objections/<int:pk>/", results.objection_answer, name="objection"),
    path("hall/<str:token>/", hall.board, name="hall_board"),
    path("hall/<str:token>/data.json", hall.board_data, name="hall_board_data"),
    path("judging/", judging.my_sheets, name="my_sheets"),
    path("measure/event/<int:pk>/", measuring.measurements, name="measurements"),
    path("judging/sheet/<int:pk>/", judging.sheet, name="sheet"),
]
