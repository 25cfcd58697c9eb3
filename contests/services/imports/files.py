"""Spreadsheet imports (CSV or XLSX, Chinese or English headers), all or nothing.

Every refused file names each row and column at fault; nothing is saved unless every row is
good.
"""

import csv
import datetime
import io
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from ..forms import PHONE_PATTERN
from ..models import AwardTier, Criterion, Entrant, Score, Sheet
from .scoring import ScoreError, parse_score

ENTRANT_HEADERS = {
    "name": ("姓名", "name"),
    "unit": ("单位", "unit"),
    "event": ("项目", "event"),
    "bib": ("编号", "bib", "number"),
    "phone": ("电话", "phone", "手机"),
}
ENTRANT_REQUIRED = ("name", "unit", "event")
SCORE_HEADERS = {
    "bib": ("编号", "bib", "number"),
    "judge": ("评委", "judge"),
    "criterion": ("评分项", "criterion"),
    "score": ("分数", "score"),
}
SCHEME_HEADERS = {
    "criterion": ("评分项", "criterion", "name"),
    "maximum": ("满分", "maximum", "max"),
    "weight": ("权重", "weight"),
    "kind": ("类型", "kind"),
    "tie_break": ("同分比较", "tie-break", "tie_break"),
}


class ImportRefused(Exception):
    def __init__(self, problems):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Problem:
    row: int | None
    column: str
    message: str

    def __str__(self):
        if self.row is None:
            return _("%(column)s: %(message)s") % {"column": self.column, "message": self.message}
        return _("Row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class Table:
    headers: dict  # key -> header text as written in the file
    rows: list = field(default_factory=list)  # (row number, {key: text})


MAX_ROWS = 50_000  # 1,000 entrants × 5 judges × 8 criteria is 40,000 score rows
CONTROL_CHARACTERS = {chr(code) for code in range(32)} - {"\t", "\n", "\r"} | {"\x7f"}


def _refuse_file(message):
    return ImportRefused([Problem(None, _("File"), message)])


def read_rows(upload):
    """Rows of an uploaded CSV or XLSX as lists of strings (row 1 = headers).

    CSV: UTF-8 (with or without the BOM Excel writes) or GB18030/GBK (what Chinese Excel saves
    as "CSV"); comma, semicolon or tab separated. XLSX: the first worksheet, cached values."""
    name = (getattr(upload, "name", "") or "").lower()
    if upload.size > settings.MAX_UPLOAD_SIZE:
        raise _refuse_file(
            _("The file is too large (at most %(size)s MB).")
            % {"size": settings.MAX_UPLOAD_SIZE // (1024 * 1024)}
        )
    if not name.endswith((".xlsx", ".csv")):
        raise _refuse_file(_("Upload a .csv or .xlsx file."))
    data = upload.read()
    if not data:
        raise _refuse_file(_("The file is empty."))
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(data)
    else:
        rows = _csv_rows(data)
    if len(rows) > MAX_ROWS + 1:
        raise _refuse_file(
            _("The file has more than %(count)s rows: split it.") % {"count": MAX_ROWS}
        )
    return rows


def _xlsx_rows(data):
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    if data[:4] != b"PK\x03\x04":
        raise _refuse_file(
            _("This is not an XLSX workbook (an old .xls? Save it as .xlsx or .csv in Excel).")
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, TypeError, OSError, IndexError):
        raise _refuse_file(_("This is not a readable XLSX workbook.")) from None
    except Exception:  # noqa: BLE001 - any other unreadable workbook is refused the same way
        raise _refuse_file(_("This is not a readable XLSX workbook.")) from None
    try:
        if not workbook.worksheets:
            raise _refuse_file(_("The workbook has no worksheet."))
        rows = []
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            rows.append(["" if v is None else _cell_text(v) for v in row])
            if len(rows) > MAX_ROWS + 1:
                break
    except ImportRefused:
        raise
    except Exception:  # noqa: BLE001 - a broken sheet inside a valid zip
        raise _refuse_file(_("This is not a readable XLSX workbook.")) from None
    finally:
        workbook.close()
    return rows


def _csv_rows(data):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise _refuse_file(_("The CSV file is not UTF-8 or GBK."))
    if "\x00" in text:
        raise _refuse_file(_("The file holds binary data: it is not a CSV text file."))
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        for candidate in ("\t", ";"):
            if candidate in first_line:
                delimiter = candidate
                break
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as error:
        raise _refuse_file(
            _("Row %(row)s cannot be read as CSV (%(error)s).")
            % {"row": len(rows) + 1, "error": error}
        ) from None
    return rows


def _cell_text(value):
    """A cell as text; Excel's floats lose their binary noise (0.1 + 0.2 → "0.3", 60.0 → "60")."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        value = round(value, 9)
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date().isoformat()
    return str(value).strip()


def _header_text(text):
    """ "姓名*", "姓名（必填）" and " Name " all read as the header they name."""
    text = str(text).strip().strip("*＊").strip()
    text = re.sub(r"\s*[（(][^）)]*[）)]$", "", text)
    return text.strip()


def parse_table(rows, spec, required):
    if not rows:
        raise ImportRefused([Problem(None, _("File"), _("The file is empty."))])
    header_row = [_header_text(h) for h in rows[0]]
    lookup = {alias.lower(): key for key, aliases in spec.items() for alias in aliases}
    columns, problems = {}, []
    for index, header in enumerate(header_row):
        key = lookup.get(header.lower())
        if key and key not in columns:
            columns[key] = (index, header)
    for key in required:
        if key not in columns:
            problems.append(
                Problem(
                    1,
                    " / ".join(spec[key][:2]),
                    _("This column is missing from the header row."),
                )
            )
    if problems:
        raise ImportRefused(problems)
    table = Table({key: header for key, (_i, header) in columns.items()})
    for number, row in enumerate(rows[1:], start=2):
        values = {
            key: (str(row[index]).strip() if index < len(row) else "")
            for key, (index, _h) in columns.items()
        }
        if any(values.values()):
            problems.extend(
                Problem(number, table.headers[key], _("This cell holds invisible characters."))
                for key, text in values.items()
                if CONTROL_CHARACTERS.intersection(text)
            )
            table.rows.append((number, values))
    if problems:
        raise ImportRefused(problems)
    if not table.rows:
        raise ImportRefused([Problem(None, _("File"), _("The file has no data rows."))])
    return table


def import_entrants(contest, upload):
    """Create the entrants of a file for a contest's events. Returns the created entrants."""
    table = parse_table(read_rows(upload), ENTRANT_HEADERS, ENTRANT_REQUIRED)
    h = table.headers
    events = {event.name: event for event in contest.events.all()}
    known_events = "、".join(sorted(events)[:10]) or "—"
    existing = set(Entrant.objects.filter(event__contest=contest).values_list("event_id", "bib"))
    existing_people = set(
        Entrant.objects.filter(event__contest=contest).values_list("event_id", "name", "unit")
    )
    problems, pending = [], []
    seen_bibs, seen_people = {}, {}
    for number, values in table.rows:
        row_problems = []
        for key, limit in (("name", 60), ("unit", 120)):
            if not values[key]:
                row_problems.append(Problem(number, h[key], _("This cell is empty.")))
            elif len(values[key]) > limit:
                row_problems.append(
                    Problem(
                        number, h[key], _("Too long (at most %(n)s characters).") % {"n": limit}
                    )
                )
        event = events.get(values["event"])
        if event is None:
            row_problems.append(
                Problem(
                    number,
                    h["event"],
                    _("Unknown event “%(event)s” (this contest has: %(known)s).")
                    % {"event": values["event"], "known": known_events},
                )
            )
        bib = values.get("bib", "")
        phone = values.get("phone", "")
        if len(bib) > 20:
            row_problems.append(Problem(number, h["bib"], _("Too long (at most 20 characters).")))
        if phone and not re.match(PHONE_PATTERN, phone):
            row_problems.append(Problem(number, h["phone"], _("Not a phone number.")))
        if event is not None and bib:
            if (event.pk, bib) in existing:
                row_problems.append(
                    Problem(number, h["bib"], _("Number %(bib)s is already taken.") % {"bib": bib})
                )
            elif (event.pk, bib) in seen_bibs:
                row_problems.append(
                    Problem(
                        number,
                        h["bib"],
                        _("Number %(bib)s is also on row %(other)s.")
                        % {"bib": bib, "other": seen_bibs[(event.pk, bib)]},
                    )
                )
            seen_bibs.setdefault((event.pk, bib), number)
        if event is not None and values["name"]:
            person = (event.pk, values["name"], values["unit"])
            if person in existing_people:
                row_problems.append(
                    Problem(number, h["name"], _("This entrant is already registered."))
                )
            elif person in seen_people:
                row_problems.append(
                    Problem(
                        number,
                        h["name"],
                        _("The same entrant is also on row %(other)s.")
                        % {"other": seen_people[person]},
                    )
                )
            seen_people.setdefault(person, number)
        if row_problems:
            problems.extend(row_problems)
            continue
        pending.append(
            Entrant(
                event=event,
                bib=bib,
                name=values["name"],
                unit=values["unit"],
                phone=phone,
                source=Entrant.Source.IMPORT,
            )
        )
    if problems:
        raise ImportRefused(problems)
    with transaction.atomic():
        assign_bibs(pending)
        return Entrant.objects.bulk_create(pending)


def next_bib_numbers(event_ids):
    """The next free numeric bib of each event (bibs are zero-padded numbers by default)."""
    numbers = {}
    for event_id, bib in Entrant.objects.filter(event_id__in=event_ids).values_list(
        "event_id", "bib"
    ):
        if bib.isdigit():
            numbers[event_id] = max(numbers.get(event_id, 0), int(bib))
    return numbers


def assign_bibs(entrants):
    """Give every entrant without a number the next free one of its event."""
    event_ids = {e.event_id for e in entrants}
    highest = next_bib_numbers(event_ids)
    for entrant in entrants:
        if entrant.bib and entrant.bib.isdigit():
            highest[entrant.event_id] = max(highest.get(entrant.event_id, 0), int(entrant.bib))
    taken = {(e.event_id, e.bib) for e in entrants if e.bib}
    for entrant in entrants:
        if not entrant.bib:
            number = highest.get(entrant.event_id, 0) + 1
            while (entrant.event_id, f"{number:03d}") in taken:
                number += 1
            entrant.bib = f"{number:03d}"
            highest[entrant.event_id] = number
            taken.add((entrant.event_id, entrant.bib))


def import_scores(event, upload, user):
    """Scores of an event from a file: every row must name a known entrant, judge and
    criterion, the judge must be assigned and their sheet not submitted."""
    table = parse_table(read_rows(upload), SCORE_HEADERS, tuple(SCORE_HEADERS))
    h = table.headers
    entrants = {e.bib: e for e in event.entrants.all()}
    # Excel turns a typed "004" into the number 4: match numeric bibs by value too.
    by_number = {}
    for bib, entrant in entrants.items():
        if bib.isdigit():
            by_number.setdefault(int(bib), []).append(entrant)
    criteria = {c.name: c for c in event.criteria.all()}
    sheets = {}
    for sheet in Sheet.objects.filter(event=event).select_related("judge"):
        judge = sheet.judge
        for key in {judge.username, judge.get_full_name(), judge.first_name}:
            if key:
                sheets[key] = sheet
    problems, pending, seen = [], [], {}
    for number, values in table.rows:
        entrant = entrants.get(values["bib"])
        if entrant is None and values["bib"].isdigit():
            matches = by_number.get(int(values["bib"]), [])
            entrant = matches[0] if len(matches) == 1 else None
        criterion = criteria.get(values["criterion"])
        sheet = sheets.get(values["judge"])
        if entrant is None:
            problems.append(
                Problem(number, h["bib"], _("Unknown number “%(v)s”.") % {"v": values["bib"]})
            )
        elif entrant.status != Entrant.Status.ACTIVE:
            problems.append(Problem(number, h["bib"], _("This entrant is absent or disqualified.")))
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
            except ScoreError as error:
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
        Score.objects.bulk_create(
            pending,
            update_conflicts=True,
            unique_fields=["sheet", "entrant", "criterion"],
            update_fields=["points"],
        )
    return len(pending)


KIND_WORDS = {
    "measurement": Criterion.Kind.MEASUREMENT,
    "测量": Criterion.Kind.MEASUREMENT,
    "客观": Criterion.Kind.MEASUREMENT,
    "judgement": Criterion.Kind.JUDGEMENT,
    "judgment": Criterion.Kind.JUDGEMENT,
    "评价": Criterion.Kind.JUDGEMENT,
    "主观": Criterion.Kind.JUDGEMENT,
    "": Criterion.Kind.JUDGEMENT,
}


def _decimal(text, places):
    """A number with at most ``places`` significant decimals: "60.000" and "60" are 60."""
    value = Decimal(text.replace("，", ".").replace(",", "."))
    if not value.is_finite():
        raise InvalidOperation
    step = Decimal(1).scaleb(-places)
    if abs(value) >= Decimal("1e12") or value != value.quantize(step):
        raise InvalidOperation
    return value.quantize(step)


def import_scheme(event, upload):
    """Replace an event's criteria from a file (评分项, 满分, 权重, 类型, 同分比较)."""
    table = parse_table(read_rows(upload), SCHEME_HEADERS, ("criterion", "maximum"))
    h = table.headers
    problems, pending, names = [], [], {}
    for position, (number, values) in enumerate(table.rows):
        name = values["criterion"]
        if not name or len(name) > 100:
            problems.append(Problem(number, h["criterion"], _("Give a name (at most 100).")))
        elif name in names:
            problems.append(
                Problem(
                    number,
                    h["criterion"],
                    _("The same criterion is also on row %(other)s.") % {"other": names[name]},
                )
            )
        names.setdefault(name, number)
        try:
            maximum = _decimal(values["maximum"], 2)
            if not Decimal("0") < maximum <= Decimal("1000"):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            maximum = None
            problems.append(
                Problem(number, h["maximum"], _("A number above 0, up to 1000, 2 decimals."))
            )
        weight = Decimal("1")
        if values.get("weight"):
            try:
                weight = _decimal(values["weight"], 3)
                if not Decimal("0") < weight <= Decimal("100"):
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                problems.append(
                    Problem(number, h["weight"], _("A number above 0, up to 100, 3 decimals."))
                )
        kind = KIND_WORDS.get(values.get("kind", "").lower())
        if kind is None:
            problems.append(
                Problem(number, h["kind"], _("Write measurement/测量 or judgement/评价."))
            )
        tie_break = None
        if values.get("tie_break"):
            try:
                order = _decimal(values["tie_break"], 0)  # "2" or "2.0", not "1.5"
            except (InvalidOperation, ValueError):
                order = None
            if order is not None and 1 <= order <= 100:
                tie_break = int(order)
            else:
                problems.append(Problem(number, h["tie_break"], _("A whole number from 1.")))
        pending.append(
            Criterion(
                event=event,
                position=position,
                name=name,
                maximum=maximum,
                weight=weight,
                kind=kind or Criterion.Kind.JUDGEMENT,
                tie_break=tie_break,
            )
        )
    if problems:
        raise ImportRefused(problems)
    replace_criteria(event, pending)
    return pending


def replace_criteria(event, criteria):
    if Score.objects.filter(criterion__event=event).exists():
        raise ImportRefused(
            [Problem(None, _("Scheme"), _("Scores exist already: the scheme is locked."))]
        )
    with transaction.atomic():
        event.criteria.all().delete()
        Criterion.objects.bulk_create(criteria)


def copy_scheme(source, target):
    """Copy criteria, award tiers and ranking settings of a past event."""
    if Score.objects.filter(criterion__event=target).exists():
        raise ImportRefused(
            [Problem(None, _("Scheme"), _("Scores exist already: the scheme is locked."))]
        )
    with transaction.atomic():
        target.rule = source.rule
        target.minimum_total = source.minimum_total
        target.deviation_threshold = source.deviation_threshold
        target.hide_names = source.hide_names
        target.notice_days = source.notice_days
        target.save()
        target.criteria.all().delete()
        target.tiers.all().delete()
        Criterion.objects.bulk_create(
            Criterion(
                event=target,
                position=c.position,
                name=c.name,
                maximum=c.maximum,
                weight=c.weight,
                kind=c.kind,
                tie_break=c.tie_break,
            )
            for c in source.criteria.all()
        )
        AwardTier.objects.bulk_create(
            AwardTier(event=target, position=t.position, name=t.name, count=t.count)
            for t in source.tiers.all()
        )


def next_bib(event):
    """The next free number of one event (for the registration form)."""
    highest = next_bib_numbers([event.pk]).get(event.pk, 0)
    return f"{highest + 1:03d}"


__all__ = [
    "ImportRefused",
    "Problem",
    "import_entrants",
    "import_scores",
    "import_scheme",
    "copy_scheme",
    "assign_bibs",
    "next_bib",
]
