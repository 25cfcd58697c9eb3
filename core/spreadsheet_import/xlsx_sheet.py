"""The first worksheet of an XLSX workbook, read row by row within the limits."""

import io
import posixpath
import zipfile

from django.utils.translation import gettext as _

from .bounds import MAX_ZIP_MEMBERS, MB, XLSX_MAGIC, Reading, refuse_file, unreadable_xlsx
from .tables import cell_text
from .xlsx_parts import (
    TOO_LONG,
    Part,
    Relationships,
    SharedStrings,
    Stop,
    Styles,
    Workbook,
    unescape,
)


class Sheet(Part):
    """The first worksheet, row by row, up to the end of its data or the first breach.

    Read cell by cell, so its handlers take the shortest path for the common elements."""

    def __init__(self, budget, limits, strings, dates, durations, epoch):
        super().__init__(budget, limits)
        self.reading = Reading(limits)
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
            raise Stop

    def too_long(self):
        raise self.reading.too_long(self.number, self.column - 1)

    def _start_row(self, ref):
        try:
            number = int(ref) if ref else self.number + 1
        except ValueError:
            raise unreadable_xlsx() from None
        if not self.number < number <= 1_048_576:
            raise unreadable_xlsx()
        if number > self.number + 1 and self.reading.skip_blank(number - self.number - 1):
            raise Stop
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
                raise unreadable_xlsx()
        self.column = column
        self.kind = attrs.get("t", "n")
        style = attrs.get("s")
        if style:
            try:
                self.style = int(style)
            except ValueError:
                raise unreadable_xlsx() from None
        else:
            self.style = 0
        self.pieces = []
        self.length = 0
        self.in_cell = True

    def _column_number(self, letters):
        if not letters.isascii() or not letters.isalpha() or len(letters) > 3:
            raise unreadable_xlsx()
        column = 0
        for letter in letters.upper():
            column = column * 26 + ord(letter) - 64
        if column > 16_384:
            raise unreadable_xlsx()
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
                raise unreadable_xlsx() from None
            if value is TOO_LONG:
                raise self.reading.too_long(self.number, self.column - 1)
            text = value.strip()
        elif kind == "inlineStr" or kind == "str":
            text = unescape(raw).strip()
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
            raise unreadable_xlsx() from None
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
                raise Stop
            return
        row = [""] * (max(cells) + 1)
        for index, text in cells.items():
            row[index] = text
        self.reading.add(self.number, row)


def part_path(base, target):
    """A relationship target as a zip member name (relative to ``base``'s folder)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def rels_path(part):
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def xlsx_rows(data, limits):
    if data[:4] != XLSX_MAGIC:
        raise refuse_file(
            _("This is not an XLSX workbook (an old .xls? Save it as .xlsx or .csv in Excel).")
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise unreadable_xlsx() from None
    if len(members) > MAX_ZIP_MEMBERS or any(
        m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or m.flag_bits & 0x1
        for m in members
    ):
        raise unreadable_xlsx()
    if sum(m.file_size for m in members) > limits.max_unpacked_bytes:
        raise refuse_file(
            _("The workbook is too large once unpacked (at most %(size)s MB).")
            % {"size": limits.max_unpacked_bytes // MB}
        )
    names = {m.filename for m in members}
    budget = [limits.max_xml_elements]
    with archive:
        workbook_path = "xl/workbook.xml"
        if "_rels/.rels" in names:
            target = Relationships(budget, limits).parse(archive, "_rels/.rels")
            found = target.of_type("/officeDocument")
            workbook_path = part_path("", found) if found else workbook_path
        if workbook_path not in names or rels_path(workbook_path) not in names:
            raise unreadable_xlsx()
        workbook = Workbook(budget, limits).parse(archive, workbook_path)
        relationships = Relationships(budget, limits).parse(archive, rels_path(workbook_path))
        if workbook.first_sheet is None:
            raise refuse_file(_("The workbook has no worksheet."))
        sheet_target = relationships.targets.get(workbook.first_sheet, ("", None))[1]
        sheet_path = part_path(workbook_path, sheet_target) if sheet_target else None
        if sheet_path not in names:
            raise unreadable_xlsx()
        dates, durations = set(), set()
        styles_target = relationships.of_type("/styles")
        if styles_target and part_path(workbook_path, styles_target) in names:
            styles = Styles(budget, limits).parse(archive, part_path(workbook_path, styles_target))
            dates, durations = styles.date_styles()
        strings = []
        strings_target = relationships.of_type("/sharedStrings")
        if strings_target and part_path(workbook_path, strings_target) in names:
            strings = (
                SharedStrings(budget, limits)
                .parse(archive, part_path(workbook_path, strings_target))
                .strings
            )
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

        epoch = CALENDAR_MAC_1904 if workbook.date1904 else CALENDAR_WINDOWS_1900
        sheet = Sheet(budget, limits, strings, dates, durations, epoch)
        return sheet.parse(archive, sheet_path).reading.rows
