"""Reading an uploaded spreadsheet (CSV or XLSX, Chinese or English headers) into rows, in
bounded time and memory, for every import of the site.

A hostile file costs little: every limit is checked before or while reading, and the read
stops at the first breach with a message naming the limit.

- The upload's bytes: at most ``max_bytes`` (and ``MAX_UPLOAD_SIZE``), checked before parsing.
- XLSX: the zip's members may unpack to at most ``max_unpacked_bytes`` in all (checked on the
  zip directory before anything is unpacked; a member that unpacks to more than it declares
  stops there and fails its checksum). Only deflated or stored members are read. The first
  worksheet streams through expat: no document tree is kept, a DOCTYPE (entity expansion) is
  refused, the declared ``<dimension>`` is never read, and at most ``max_xml_elements``
  elements are parsed in all.
- Rows: at most ``max_rows`` data rows after the header row, ``max_columns`` columns and
  ``max_cell_chars`` characters in a cell. Blank rows and cells do not count, but a run of
  ``blank_rows`` blank rows ends the table (a million formatted empty rows are never read).
- CSV: UTF-8 (with or without the BOM Excel writes) or GB18030/GBK (what Chinese Excel saves as
  "CSV"); comma, semicolon or tab separated; the same row, column and cell limits.

The limits come from ``settings.SPREADSHEET_IMPORT_LIMITS``; an import may pass its own
(``import_limits(max_rows=...)``). Every refusal is an ``ImportRefused`` (a
``core.refusals.Refused``, status 400) listing each row and column at fault, so the person
can fix the whole file at once; nothing has been saved when it is raised.

``parse_table`` then maps the header row to the import's columns (any of each column's
aliases, "姓名*" and "姓名（必填）" read as "姓名") and refuses a column named twice.
"""

import csv
import dataclasses
import datetime
import io
import math
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _

from core.refusals import Refused

MB = 1024 * 1024
CONTROL_CHARACTERS = {chr(code) for code in range(32)} - {"\t", "\n", "\r"} | {"\x7f"}
XLSX_MAGIC = b"PK\x03\x04"
CHUNK = 64 * 1024
MAX_ZIP_MEMBERS = 10_000


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 5 * MB  # the uploaded file
    max_unpacked_bytes: int = 25 * MB  # all members of an XLSX zip, uncompressed
    max_rows: int = 5_000  # data rows after the header row
    max_columns: int = 50
    max_cell_chars: int = 2_000
    blank_rows: int = 1_000  # a run of this many blank rows ends the table
    max_xml_elements: int = 1_000_000  # every XML element an XLSX read parses


def import_limits(**overrides):
    """The site's limits (``settings.SPREADSHEET_IMPORT_LIMITS``), with an import's own."""
    limits = Limits(**{**getattr(settings, "SPREADSHEET_IMPORT_LIMITS", {}), **overrides})
    return dataclasses.replace(limits, max_bytes=min(limits.max_bytes, settings.MAX_UPLOAD_SIZE))


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


def _refuse_file(message):
    return ImportRefused([Problem(None, _("File"), message)])


def _unreadable_xlsx():
    return _refuse_file(_("This is not a readable XLSX workbook."))


def column_letter(index):
    """The spreadsheet name of the 0-based column ``index``: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class _Reading:
    """Rows as they are read: the row, column and cell limits, and blank rows."""

    def __init__(self, limits):
        self.limits = limits
        self.rows = []
        self.blank_run = 0  # blank rows read since the last row with data

    def column_name(self, index):
        """A column as the person knows it: its header (once read), else its letter."""
        if self.rows and index < len(self.rows[0]) and self.rows[0][index].strip():
            return self.rows[0][index].strip()
        return column_letter(index)

    def check_cell(self, number, index, text):
        """Refuse a cell beyond the column limit or longer than the cell limit."""
        if index >= self.limits.max_columns:
            raise _refuse_file(
                _("The file has more than %(count)s columns: remove the extra ones.")
                % {"count": self.limits.max_columns}
            )
        if len(text) > self.limits.max_cell_chars:
            raise self.too_long(number, index)

    def too_long(self, number, index):
        return ImportRefused(
            [
                Problem(
                    number,
                    self.column_name(index),
                    _("This cell holds more than %(count)s characters.")
                    % {"count": self.limits.max_cell_chars},
                )
            ]
        )

    def skip_blank(self, count=1):
        """Count blank rows; True once a run of them ends the table."""
        self.blank_run += count
        return self.blank_run >= self.limits.blank_rows

    def add(self, number, cells):
        """Keep a row with data (``number`` counts from 1, the header row)."""
        if number > self.limits.max_rows + 1:
            raise _refuse_file(
                _("The file has more than %(count)s rows: split it.")
                % {"count": self.limits.max_rows}
            )
        self.rows.extend([] for _ in range(number - 1 - len(self.rows)))
        self.rows.append(cells)
        self.blank_run = 0


def read_rows(upload, limits=None):
    """Rows of an uploaded CSV or XLSX as lists of strings (row 1 = headers).

    Blank rows at the end are dropped; XLSX: the first worksheet, cached values."""
    limits = limits or import_limits()
    name = (getattr(upload, "name", "") or "").lower()
    size = getattr(upload, "size", None)
    too_large = _refuse_file(
        _("The file is too large (at most %(size)s MB).") % {"size": limits.max_bytes // MB}
    )
    if size is not None and size > limits.max_bytes:
        raise too_large
    if not name.endswith((".xlsx", ".csv")):
        raise _refuse_file(_("Upload a .csv or .xlsx file."))
    data = upload.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise too_large
    if not data:
        raise _refuse_file(_("The file is empty."))
    if name.endswith(".xlsx"):
        return _xlsx_rows(data, limits)
    return _csv_rows(data, limits)


# CSV


def _csv_rows(data, limits):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise _refuse_file(_("The CSV file is not UTF-8 or GBK."))
    del data
    if "\x00" in text:
        raise _refuse_file(_("The file holds binary data: it is not a CSV text file."))
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = ","
    if "," not in first_line:
        for candidate in ("\t", ";"):
            if candidate in first_line:
                delimiter = candidate
                break
    reading = _Reading(limits)
    number = 0
    try:
        for number, row in enumerate(  # noqa: B007 - the row number is reported on a csv.Error
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1
        ):
            last = max((i for i, cell in enumerate(row) if cell.strip()), default=None)
            if last is None:
                if reading.skip_blank():
                    break
                continue
            for index, cell in enumerate(row[: last + 1]):
                if cell:
                    reading.check_cell(number, index, cell)
            reading.add(number, row[: last + 1])
    except csv.Error as error:
        raise _refuse_file(
            _("Row %(row)s cannot be read as CSV (%(error)s).")
            % {"row": number + 1, "error": error}
        ) from None
    return reading.rows


# XLSX


class _Stop(Exception):
    """The rest of an XML part is not needed."""


class _TooLong:
    """A shared string longer than the cell limit: refused only where a cell uses it."""


TOO_LONG = _TooLong()
ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text):
    """Excel writes control characters as ``_x0007_`` (and a literal ``_x`` as ``_x005F_x``)."""
    if "_x" not in text:
        return text
    return ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)


class _Part:
    """One XML part of the workbook, streamed through expat without building a tree.

    Subclasses see each element's local name (``x:row`` and ``row`` alike) in ``start`` and
    ``end``; the text of the elements they ``collect`` gathers in ``pieces``."""

    def __init__(self, budget, limits):
        self.budget = budget  # [elements still allowed], shared by every part of the file
        self.limits = limits
        self.collecting = False  # inside an element whose text is the value
        self.pieces = []  # the text of the current value
        self.length = 0

    def parse(self, archive, name):
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._doctype
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._characters
        try:
            with archive.open(name) as source:
                while chunk := source.read(CHUNK):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except _Stop:
            pass
        except (expat.ExpatError, zipfile.BadZipFile, ValueError, EOFError, OSError):
            raise _unreadable_xlsx() from None
        return self

    def _doctype(self, *args):
        raise _unreadable_xlsx()

    def spend(self):
        """Count one element against the file's budget."""
        budget = self.budget
        budget[0] -= 1
        if budget[0] < 0:
            raise _refuse_file(
                _(
                    "The worksheet holds too many cells or too much formatting to read: copy"
                    " the data into a new workbook, or save it as .csv."
                )
            )

    def _start(self, name, attrs):
        self.spend()
        if ":" in name:
            name = name.rpartition(":")[2]
        self.start(name, attrs)

    def _end(self, name):
        if ":" in name:
            name = name.rpartition(":")[2]
        self.end(name)

    def _characters(self, data):
        if self.collecting:
            self.length += len(data)
            if self.length > self.limits.max_cell_chars:
                self.too_long()
            else:
                self.pieces.append(data)

    def new_value(self):
        self.collecting = False
        self.pieces = []
        self.length = 0

    def value_text(self):
        text = "".join(self.pieces)
        self.pieces = []
        return text

    def too_long(self):
        self.collecting = False

    def start(self, name, attrs):
        pass

    def end(self, name):
        pass


class _Relationships(_Part):
    def __init__(self, budget, limits):
        super().__init__(budget, limits)
        self.targets = {}  # id -> (type, target)

    def start(self, name, attrs):
        if name == "Relationship" and attrs.get("TargetMode") != "External":
            self.targets[attrs.get("Id")] = (attrs.get("Type", ""), attrs.get("Target", ""))

    def of_type(self, suffix):
        for kind, target in self.targets.values():
            if kind.endswith(suffix):
                return target
        return None


class _Workbook(_Part):
    def __init__(self, budget, limits):
        super().__init__(budget, limits)
        self.first_sheet = None
        self.date1904 = False

    def start(self, name, attrs):
        if name == "workbookPr":
            self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")
        elif name == "sheet" and self.first_sheet is None:
            # r:id, in the relationships namespace
            self.first_sheet = next((v for k, v in attrs.items() if k.endswith(":id")), None)

    def end(self, name):
        if name == "sheets":
            raise _Stop


class _Styles(_Part):
    """Which cell styles show numbers as dates or durations."""

    def __init__(self, budget, limits):
        super().__init__(budget, limits)
        self.formats = {}
        self.cell_formats = []  # numFmtId of each cellXfs style
        self.inside = None

    def start(self, name, attrs):
        if name in ("numFmts", "cellXfs"):
            self.inside = name
        elif name == "numFmt" and self.inside == "numFmts":
            self.formats[attrs.get("numFmtId")] = attrs.get("formatCode", "")
        elif name == "xf" and self.inside == "cellXfs":
            self.cell_formats.append(attrs.get("numFmtId", "0"))

    def end(self, name):
        if name == "cellXfs":
            raise _Stop
        if name == "numFmts":
            self.inside = None

    def date_styles(self):
        from openpyxl.styles.numbers import (
            BUILTIN_FORMATS,
            is_date_format,
            is_timedelta_format,
        )

        dates, durations = set(), set()
        for index, format_id in enumerate(self.cell_formats):
            code = self.formats.get(format_id)
            if code is None and format_id.isdigit():
                code = BUILTIN_FORMATS.get(int(format_id))
            if code and is_date_format(code):
                dates.add(index)
                if is_timedelta_format(code):
                    durations.add(index)
        return dates, durations


class _SharedStrings(_Part):
    """The workbook's strings; one longer than the cell limit is kept as ``TOO_LONG``."""

    def __init__(self, budget, limits):
        super().__init__(budget, limits)
        self.strings = []
        self.long = False
        self.phonetic = 0  # inside rPh: a phonetic guide, not the text

    def start(self, name, attrs):
        if name == "si":
            self.new_value()
            self.long = False
        elif name == "t" and not self.phonetic and not self.long:
            self.collecting = True
        elif name == "rPh":
            self.phonetic += 1

    def end(self, name):
        if name == "t":
            self.collecting = False
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "si":
            text = self.value_text()
            self.strings.append(TOO_LONG if self.long else _unescape(text))

    def too_long(self):
        self.collecting = False
        self.long = True
        self.pieces = []


class _Sheet(_Part):
    """The first worksheet, row by row, up to the end of its data or the first breach.

    Read cell by cell, so its handlers take the shortest path for the common elements."""

    def __init__(self, budget, limits, strings, dates, durations, epoch):
        super().__init__(budget, limits)
        self.reading = _Reading(limits)
        self.strings = strings
        self.dates, self.durations = dates, durations
        self.epoch = epoch
        self.in_data = False
        self.number = 0  # the current row number
        self.cells = None  # {0-based column: text} of the current row
        self.column = 0  # the current cell's column, from 1
        self.kind = "n"
        self.style = 0
        self.in_cell = False
        self.inline = False  # inside <is>, an inline string
        self.phonetic = 0  # inside <rPh>, a phonetic guide
        self.columns = {}  # column letters -> number

    def _start(self, name, attrs):
        budget = self.budget
        budget[0] -= 1
        if budget[0] < 0:
            self.spend()
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "c":
            if self.cells is not None:
                self._start_cell(attrs)
        elif name == "v":
            self.collecting = self.in_cell
        elif name == "row":
            if self.in_data:
                self._start_row(attrs.get("r"))
        elif name == "t":
            self.collecting = self.in_cell and self.inline and not self.phonetic
        elif name == "is":
            self.inline = True
        elif name == "rPh":
            self.phonetic += 1
        elif name == "sheetData":
            self.in_data = True

    def _end(self, name):
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "v" or name == "t":
            self.collecting = False
        elif name == "c":
            if self.in_cell:
                self._end_cell()
        elif name == "row":
            if self.cells is not None:
                self._end_row()
        elif name == "is":
            self.inline = False
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "sheetData":
            raise _Stop

    def too_long(self):
        raise self.reading.too_long(self.number, self.column - 1)

    def _start_row(self, ref):
        try:
            number = int(ref) if ref else self.number + 1
        except ValueError:
            raise _unreadable_xlsx() from None
        if not self.number < number <= 1_048_576:
            raise _unreadable_xlsx()
        if number > self.number + 1 and self.reading.skip_blank(number - self.number - 1):
            raise _Stop
        self.number = number
        self.cells = {}
        self.column = 0

    def _start_cell(self, attrs):
        ref = attrs.get("r")
        if ref:
            letters = ref.rstrip("0123456789")
            column = self.columns.get(letters)
            if column is None:
                column = self._column_number(letters)
        else:
            column = self.column + 1
            if column > 16_384:
                raise _unreadable_xlsx()
        self.column = column
        self.kind = attrs.get("t", "n")
        style = attrs.get("s")
        if style:
            try:
                self.style = int(style)
            except ValueError:
                raise _unreadable_xlsx() from None
        else:
            self.style = 0
        self.pieces = []
        self.length = 0
        self.in_cell = True

    def _column_number(self, letters):
        if not letters.isascii() or not letters.isalpha() or len(letters) > 3:
            raise _unreadable_xlsx()
        column = 0
        for letter in letters.upper():
            column = column * 26 + ord(letter) - 64
        if column > 16_384:
            raise _unreadable_xlsx()
        self.columns[letters] = column
        return column

    def _end_cell(self):
        self.in_cell = False
        self.collecting = False
        pieces = self.pieces
        raw = pieces[0] if len(pieces) == 1 else "".join(pieces)
        kind = self.kind
        if kind == "s" and raw:
            try:
                value = self.strings[int(raw)]
            except (ValueError, IndexError):
                raise _unreadable_xlsx() from None
            if value is TOO_LONG:
                raise self.reading.too_long(self.number, self.column - 1)
            text = value.strip()
        elif kind == "inlineStr" or kind == "str":
            text = _unescape(raw).strip()
        elif not raw:
            return
        else:
            value = self._value(raw)
            text = cell_text(value)
        if text:
            index = self.column - 1
            if index >= self.reading.limits.max_columns or len(text) > self.limits.max_cell_chars:
                self.reading.check_cell(self.number, index, text)
            self.cells[index] = text

    def _value(self, raw):
        kind = self.kind
        try:
            if kind == "e":
                return raw
            if kind == "b":
                return raw.strip().lower() in ("1", "true")
            if kind == "d":
                from openpyxl.utils.datetime import from_ISO8601

                return from_ISO8601(raw)
            number = float(raw) if any(c in raw for c in ".eE") else int(raw)
        except (ValueError, TypeError):
            raise _unreadable_xlsx() from None
        if self.style in self.dates:
            from openpyxl.utils.datetime import from_excel

            try:
                return from_excel(number, self.epoch, timedelta=self.style in self.durations)
            except (OverflowError, ValueError):
                return number
        return number

    def _end_row(self):
        cells, self.cells = self.cells, None
        if not cells:
            if self.reading.skip_blank():
                raise _Stop
            return
        row = [""] * (max(cells) + 1)
        for index, text in cells.items():
            row[index] = text
        self.reading.add(self.number, row)


def _part_path(base, target):
    """A relationship target as a zip member name (relative to ``base``'s folder)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _rels_path(part):
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _xlsx_rows(data, limits):
    if data[:4] != XLSX_MAGIC:
        raise _refuse_file(
            _("This is not an XLSX workbook (an old .xls? Save it as .xlsx or .csv in Excel).")
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _unreadable_xlsx() from None
    if len(members) > MAX_ZIP_MEMBERS or any(
        m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or m.flag_bits & 0x1
        for m in members
    ):
        raise _unreadable_xlsx()
    if sum(m.file_size for m in members) > limits.max_unpacked_bytes:
        raise _refuse_file(
            _("The workbook is too large once unpacked (at most %(size)s MB).")
            % {"size": limits.max_unpacked_bytes // MB}
        )
    names = {m.filename for m in members}
    budget = [limits.max_xml_elements]
    with archive:
        workbook_path = "xl/workbook.xml"
        if "_rels/.rels" in names:
            target = _Relationships(budget, limits).parse(archive, "_rels/.rels")
            found = target.of_type("/officeDocument")
            workbook_path = _part_path("", found) if found else workbook_path
        if workbook_path not in names or _rels_path(workbook_path) not in names:
            raise _unreadable_xlsx()
        workbook = _Workbook(budget, limits).parse(archive, workbook_path)
        relationships = _Relationships(budget, limits).parse(archive, _rels_path(workbook_path))
        if workbook.first_sheet is None:
            raise _refuse_file(_("The workbook has no worksheet."))
        sheet_target = relationships.targets.get(workbook.first_sheet, ("", None))[1]
        sheet_path = _part_path(workbook_path, sheet_target) if sheet_target else None
        if sheet_path not in names:
            raise _unreadable_xlsx()
        dates, durations = set(), set()
        styles_target = relationships.of_type("/styles")
        if styles_target and _part_path(workbook_path, styles_target) in names:
            styles = _Styles(budget, limits).parse(
                archive, _part_path(workbook_path, styles_target)
            )
            dates, durations = styles.date_styles()
        strings = []
        strings_target = relationships.of_type("/sharedStrings")
        if strings_target and _part_path(workbook_path, strings_target) in names:
            strings = (
                _SharedStrings(budget, limits)
                .parse(archive, _part_path(workbook_path, strings_target))
                .strings
            )
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

        epoch = CALENDAR_MAC_1904 if workbook.date1904 else CALENDAR_WINDOWS_1900
        sheet = _Sheet(budget, limits, strings, dates, durations, epoch)
        return sheet.parse(archive, sheet_path).reading.rows


def cell_text(value):
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


# Headers and rows


def header_text(text):
    """ "姓名*", "姓名（必填）" and " Name " all read as the header they name."""
    text = str(text).strip().strip("*＊").strip()
    text = re.sub(r"\s*[（(][^）)]*[）)]$", "", text)
    return text.strip()


def parse_table(rows, spec, required):
    """The data rows as ``{key: text}`` by the header row.

    ``spec`` maps each key to the headers that name it ({"name": ("姓名", "name")}); a header
    naming a key already named earlier in the row is refused, naming both columns."""
    if not rows:
        raise ImportRefused([Problem(None, _("File"), _("The file is empty."))])
    header_row = [header_text(h) for h in rows[0]]
    lookup = {alias.lower(): key for key, aliases in spec.items() for alias in aliases}
    columns, problems = {}, []
    for index, header in enumerate(header_row):
        key = lookup.get(header.lower())
        if not key:
            continue
        if key in columns:
            first_index, first_header = columns[key]
            same = first_header.lower() == header.lower()
            problems.append(
                Problem(
                    1,
                    first_header if same else f"{first_header} / {header}",
                    _(
                        "This column appears twice in the header row"
                        " (columns %(first)s and %(second)s)."
                    )
                    % {"first": column_letter(first_index), "second": column_letter(index)},
                )
            )
        else:
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
