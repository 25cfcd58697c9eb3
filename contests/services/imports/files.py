"""Reading an uploaded spreadsheet (CSV or XLSX, Chinese or English headers) into rows.

Every refusal (``ImportRefused``, a ``core.refusals.Refused``) lists each row and column at
fault, so the organizer can fix the whole file at once.
"""

import csv
import datetime
import io
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from core.refusals import Refused


class ImportRefused(Refused):
    """A refused file: every row and column at fault in ``problems``; nothing was saved."""

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
