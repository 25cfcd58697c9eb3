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

from django.utils.translation import gettext as _

from .bounds import (
    MB,
    ImportRefused,
    Limits,
    Problem,
    Table,
    column_letter,
    import_limits,
    refuse_file,
)
from .csv_file import csv_rows
from .tables import cell_text, date_cell, header_text, parse_table, yes_no_cell
from .xlsx_sheet import xlsx_rows

__all__ = [
    "ImportRefused",
    "Limits",
    "Problem",
    "Table",
    "cell_text",
    "column_letter",
    "date_cell",
    "header_text",
    "import_limits",
    "parse_table",
    "read_rows",
    "yes_no_cell",
]


def read_rows(upload, limits=None):
    """Rows of an uploaded CSV or XLSX as lists of strings (row 1 = headers).

    Blank rows at the end are dropped; XLSX: the first worksheet, cached values."""
    limits = limits or import_limits()
    name = (getattr(upload, "name", "") or "").lower()
    size = getattr(upload, "size", None)
    too_large = refuse_file(
        _("The file is too large (at most %(size)s MB).") % {"size": limits.max_bytes // MB}
    )
    if size is not None and size > limits.max_bytes:
        raise too_large
    if not name.endswith((".xlsx", ".csv")):
        raise refuse_file(_("Upload a .csv or .xlsx file."))
    data = upload.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise too_large
    if not data:
        raise refuse_file(_("The file is empty."))
    if name.endswith(".xlsx"):
        return xlsx_rows(data, limits)
    return csv_rows(data, limits)
