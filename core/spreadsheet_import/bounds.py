"""The limits of a spreadsheet read, its refusals, and the rows kept as they are read."""

import dataclasses
from dataclasses import dataclass, field

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


def refuse_file(message):
    return ImportRefused([Problem(None, _("File"), message)])


def unreadable_xlsx():
    return refuse_file(_("This is not a readable XLSX workbook."))


def column_letter(index):
    """The spreadsheet name of the 0-based column ``index``: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class Reading:
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
            raise refuse_file(
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
            raise refuse_file(
                _("The file has more than %(count)s rows: split it.")
                % {"count": self.limits.max_rows}
            )
        self.rows.extend([] for _ in range(number - 1 - len(self.rows)))
        self.rows.append(cells)
        self.blank_run = 0
