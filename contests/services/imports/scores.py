"""Judges' scores of an event from a spreadsheet, all or nothing."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.refusals import Refused

from ...models import Entrant, EntrantCode, Score, Sheet
from ..scoring import parse_score, record_changes
from .files import ImportRefused, Problem, import_limits, parse_table, read_rows

SCORE_HEADERS = {
    "bib": ("编号", "bib", "number"),
    # A blind event's paper sheets carry secret codes: its scores may name entrants by code.
    "code": ("抽签号", "code", "secret code"),
    "judge": ("评委", "judge"),
    "criterion": ("评分项", "criterion"),
    "score": ("分数", "score"),
}
# One row per entrant, judge and criterion: 500 entrants × 5 judges × 8 criteria is 20,000
# rows, more than other imports take. Reading 20,000 rows stays well under 2 s.
SCORE_ROWS = 20_000


def import_scores(event, upload, user):
    """Scores of an event from a file: every row must name a known entrant, judge and
    criterion, the judge must be assigned and their sheet not submitted."""
    table = parse_table(
        read_rows(upload, import_limits(max_rows=SCORE_ROWS)),
        SCORE_HEADERS,
        ("judge", "criterion", "score"),
    )
    h = table.headers
    column = _entrant_column(event, h)
    if column == "code":
        entrants = {
            c.code: c.entrant
            for c in EntrantCode.objects.filter(event=event).select_related("entrant")
        }
    else:
        entrants = {e.bib: e for e in event.entrants.all()}
    # Excel turns a typed "004" into the number 4: match numeric bibs by value too.
    by_number = {}
    for bib, entrant in entrants.items():
        if column == "bib" and bib.isdigit():
            by_number.setdefault(int(bib), []).append(entrant)
    criteria = {c.name: c for c in event.criteria.judged()}
    sheets = {}
    for sheet in Sheet.objects.filter(event=event).select_related("judge"):
        judge = sheet.judge
        for key in {judge.username, judge.get_full_name(), judge.first_name}:
            if key:
                sheets[key] = sheet
    problems, pending, seen = [], [], {}
    for number, values in table.rows:
        given = values[column].upper() if column == "code" else values[column]
        entrant = entrants.get(given)
        if entrant is None and given.isdigit():
            matches = by_number.get(int(given), [])
            entrant = matches[0] if len(matches) == 1 else None
        criterion = criteria.get(values["criterion"])
        sheet = sheets.get(values["judge"])
        if entrant is None:
            unknown = (
                _("Unknown code “%(v)s”.") if column == "code" else _("Unknown number “%(v)s”.")
            )
            problems.append(Problem(number, h[column], unknown % {"v": values[column]}))
        elif entrant.status != Entrant.Status.ACTIVE:
            problems.append(
                Problem(number, h[column], _("This entrant is absent or disqualified."))
            )
        if criterion is None:
            problems.append(
                Problem(
                    number,
                    h["criterion"],
                    _("Unknown criterion “%(v)s”.") % {"v": values["criterion"]},
                )
            )
        if sheet is None:
            problems.append(
                Problem(
                    number,
                    h["judge"],
                    _("“%(v)s” is not a judge assigned to this event.") % {"v": values["judge"]},
                )
            )
        elif sheet.is_submitted:
            problems.append(
                Problem(number, h["judge"], _("This judge's sheet is submitted and locked."))
            )
        points = None
        if criterion is not None:
            try:
                points = parse_score(values["score"], criterion)
            except Refused as error:
                problems.append(Problem(number, h["score"], str(error)))
        if entrant and criterion and sheet:
            key = (sheet.pk, entrant.pk, criterion.pk)
            if key in seen:
                problems.append(
                    Problem(
                        number,
                        h["score"],
                        _("The same score is also on row %(other)s.") % {"other": seen[key]},
                    )
                )
            seen.setdefault(key, number)
        if entrant and criterion and sheet and points is not None:
            pending.append(Score(sheet=sheet, entrant=entrant, criterion=criterion, points=points))
    if problems:
        raise ImportRefused(problems)
    with transaction.atomic():
        by_sheet = {}
        for score in pending:
            by_sheet.setdefault(score.sheet, {})[(score.entrant_id, score.criterion_id)] = (
                score.points
            )
        for sheet, after in by_sheet.items():
            record_changes(sheet, user, after, entrants.values(), criteria.values())
        Score.objects.bulk_create(
            pending,
            update_conflicts=True,
            unique_fields=["sheet", "entrant", "criterion"],
            update_fields=["points"],
        )
    return len(pending)


def _entrant_column(event, headers):
    """Which column names the entrants: the number (编号), or on a blind event whose codes are
    drawn, the secret code (抽签号); one of them, not both."""
    has_bib, has_code = "bib" in headers, "code" in headers
    if has_bib and has_code:
        raise ImportRefused(
            [
                Problem(
                    1,
                    f"{headers['bib']} / {headers['code']}",
                    _("Name the entrants by number or by secret code, not both."),
                )
            ]
        )
    if has_code:
        if not (event.hide_names and EntrantCode.objects.filter(event=event).exists()):
            raise ImportRefused(
                [
                    Problem(
                        1,
                        headers["code"],
                        _("This event has no secret codes: name the entrants by number."),
                    )
                ]
            )
        return "code"
    if not has_bib:
        raise ImportRefused(
            [Problem(1, "编号 / bib", _("This column is missing from the header row."))]
        )
    return "bib"
