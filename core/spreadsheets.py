"""CSV and XLSX downloads that open right in Excel (Chinese Windows), WPS and LibreOffice.

- CSV: RFC 4180 (CRLF line ends, fields with commas, quotes or line breaks quoted), UTF-8
  with a byte-order mark, without which Excel reads UTF-8 as the local code page (mojibake).
- XLSX: real types (dates as dates, numbers as numbers, decimals with two places), a bold
  frozen header row with a filter, columns wide enough for their content, a sheet title.
- Both: a cell of user input that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage
  return) is never read as a formula: CSV prefixes it with an apostrophe, XLSX stores it as
  text with Excel's own "quote prefix" flag.
- Content-Disposition carries an ASCII fallback name and an RFC 5987 ``filename*`` for
  Chinese names.

``SpreadsheetExportMixin`` plugs this into Wagtail's export mixin (app views and admin
listings); ``csv_response``/``xlsx_response`` serve hand-built rows.
"""

import codecs
import csv
import datetime
import decimal
import io
import itertools
import re
import unicodedata
from urllib.parse import quote

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.translation import gettext
from wagtail.admin.views.mixins import SpreadsheetExportMixin as WagtailSpreadsheetExportMixin

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TIME_FORMAT = "hh:mm"
DECIMAL_FORMAT = "0.00"
ONE_DECIMAL_FORMAT = "0.0"
CENT = decimal.Decimal("0.01")
TENTH = decimal.Decimal("0.1")
WIDTH_SAMPLE = 500  # rows read ahead to size the columns; the rest stream
MAX_WIDTH = 60
MIN_WIDTH = 6
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def is_formula_like(value):
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def neutralise(value):
    """A text cell that a spreadsheet would evaluate, made inert for CSV."""
    if is_formula_like(value):
        return "'" + value
    return value


def ascii_filename(filename):
    """An ASCII stand-in for a file name: accents dropped, other letters as underscores."""
    text = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    if not text.strip(" ._-") or len(text) < len(filename) // 2:
        text = re.sub(r"[^\x20-\x7e]+", "_", filename)
    text = re.sub(r'[\x00-\x1f\x7f"\\/;]+', "_", text).strip()
    return text or "download"


def content_disposition(filename, fallback=None, attachment=True):
    """``attachment; filename="ascii"; filename*=UTF-8''...`` (RFC 6266 and RFC 5987)."""
    filename = re.sub(r"[\x00-\x1f\x7f/\\]+", "_", filename)
    fallback = ascii_filename(fallback or filename)
    value = f'{"attachment" if attachment else "inline"}; filename="{fallback}"'
    if fallback != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


def sheet_title(title):
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    title = SHEET_TITLE_FORBIDDEN.sub(" ", force_str(title)).strip().strip("'")
    return title[:31] or "Sheet1"


def local_naive(value):
    if timezone.is_aware(value):
        value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    return value


def _yes_no(value):
    return gettext("yes") if value else gettext("no")


def csv_text(value, number_format=None):
    """The CSV text of one cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, datetime.datetime):
        return local_naive(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, (decimal.Decimal, float)):
        places = {DECIMAL_FORMAT: CENT, None: CENT, ONE_DECIMAL_FORMAT: TENTH}.get(number_format)
        if places is not None:
            return str(decimal.Decimal(str(value)).quantize(places, decimal.ROUND_HALF_UP))
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        value = ", ".join(force_str(v) for v in value)
    return neutralise(force_str(value))


class _Echo:
    def write(self, value):
        return value


def csv_chunks(headers, rows, number_formats=None, language=None):
    """The header row, then each row, as RFC 4180 UTF-8 text (CRLF, minimal quoting), after a
    byte-order mark.

    Excel and WPS on Chinese Windows read a CSV without the mark as GBK, and LibreOffice asks
    or guesses: the mark makes each of them read UTF-8. Programs read it with ``utf-8-sig``.

    The rows are read while the body streams, after the view returned: the request's
    language is kept for them.
    """
    number_formats = number_formats or {}
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    headers = [neutralise(force_str(h)) for h in headers]
    with translation.override(language or translation.get_language()):
        yield codecs.BOM_UTF8 + writer.writerow(headers).encode("utf-8")
        for row in rows:
            cells = [csv_text(value, number_formats.get(i)) for i, value in enumerate(row)]
            yield writer.writerow(cells).encode("utf-8")


def csv_response(filename, headers, rows, fallback=None, number_formats=None, stream=True):
    """A CSV download (streamed unless ``stream`` is false).

    ``filename`` is the readable name without extension; ``fallback`` its ASCII name.
    """
    chunks = csv_chunks(headers, rows, number_formats, translation.get_language())
    if stream:
        response = StreamingHttpResponse(chunks, content_type=CSV_CONTENT_TYPE)
    else:
        response = HttpResponse(b"".join(chunks), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(
        f"{filename}.csv", f"{fallback}.csv" if fallback else None
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _display_width(value):
    text = csv_text(value) if not isinstance(value, str) else value
    longest = max((len(line) for line in text.split("\n")), default=0)
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF")
    return min(longest + wide, MAX_WIDTH * 2)


def _cell(sheet, value, number_format=None):
    """A cell of the write-only sheet; plain text and whole numbers are passed as they are
    (openpyxl makes their cells itself, which is quicker), the rest carry their format."""
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
    kind = type(value)
    if kind is str and not number_format:
        if not value.startswith(FORMULA_PREFIXES):
            return value
    elif kind is int and not number_format:
        return value
    elif kind is datetime.date and number_format in (None, DATE_FORMAT):
        return value  # openpyxl gives a date its yyyy-mm-dd format itself
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, local_naive(value))
        cell.number_format = number_format or DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = number_format or DATE_FORMAT
    elif isinstance(value, datetime.time):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = number_format or TIME_FORMAT
    elif isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value)
    elif isinstance(value, (decimal.Decimal, float)):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = number_format or DECIMAL_FORMAT
    elif isinstance(value, int):
        cell = WriteOnlyCell(sheet, value)
        if number_format:
            cell.number_format = number_format
    else:
        if isinstance(value, (list, tuple)):
            value = ", ".join(force_str(v) for v in value)
        text = force_str(value)
        cell = WriteOnlyCell(sheet, text)
        # openpyxl stores text starting with "=" as a formula: always keep it text, and tell
        # Excel not to evaluate the other formula-like prefixes either.
        cell.data_type = "s"
        if is_formula_like(text):
            cell.quotePrefix = True
    return cell


def xlsx_bytes(title, headers, rows, number_formats=None, caption=None):
    """The workbook as bytes: one sheet named ``title``, bold header row, typed cells; with
    ``caption``, a bold title row above the headers says what the sheet holds.

    Written in openpyxl's write-only mode: ``rows`` (any iterable, e.g. a generator over a
    queryset's ``iterator()``) is read once, as it streams; only the first WIDTH_SAMPLE rows
    are held, to size the columns.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    number_formats = number_formats or {}
    headers = [force_str(h) for h in headers]
    rows = iter(rows)
    head = list(itertools.islice(rows, WIDTH_SAMPLE))
    widths = [_display_width(h) for h in headers]
    for row in head:
        for i, value in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], _display_width(value))
    workbook = Workbook(write_only=True)
    workbook.properties.title = force_str(title)
    sheet = workbook.create_sheet(sheet_title(title))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(
            MIN_WIDTH, min(width + 2, MAX_WIDTH)
        )
    bold = Font(bold=True)
    header_row = 2 if caption else 1
    sheet.freeze_panes = f"A{header_row + 1}"  # write-only: set before the first row
    if caption:
        cell = _text_cell(sheet, force_str(caption))
        cell.font = Font(bold=True, size=13)
        sheet.append([cell])
    header_cells = []
    for heading in headers:
        cell = _text_cell(sheet, heading)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    formats = [number_formats.get(i) for i in range(max(len(headers), 1))]
    count = 0
    for row in itertools.chain(head, rows):
        sheet.append(
            [
                _cell(sheet, value, formats[i] if i < len(formats) else None)
                for i, value in enumerate(row)
            ]
        )
        count += 1
    if headers:
        # The filter is written after the rows, so it can span the rows just counted.
        last_column = get_column_letter(len(headers))
        sheet.auto_filter.ref = f"A{header_row}:{last_column}{count + header_row}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet, text):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True
    return cell


def import_template_response(export_format, name, headers, rows, fallback):
    """An import's template to fill in, as ``csv`` or ``xlsx`` (anything else is a 404): the
    header row and an example row, named ``name`` (ASCII ``fallback`` for old clients)."""
    if export_format == "csv":
        return csv_response(name, headers, rows, fallback=fallback, stream=False)
    if export_format == "xlsx":
        return xlsx_response(name, name, headers, rows, fallback=fallback)
    raise Http404("no such format")


def xlsx_response(filename, title, headers, rows, fallback=None, number_formats=None, caption=None):
    response = HttpResponse(
        xlsx_bytes(title, headers, rows, number_formats, caption=caption),
        content_type=XLSX_CONTENT_TYPE,
    )
    response["Content-Disposition"] = content_disposition(
        f"{filename}.xlsx", f"{fallback}.xlsx" if fallback else None
    )
    return response


class SpreadsheetExportMixin(WagtailSpreadsheetExportMixin):
    """Wagtail's export mixin writing through the helpers above.

    Views may set ``export_title`` (the sheet title and the file's readable name),
    ``export_filename`` (ASCII fallback, or ``get_filename()``) and ``export_number_formats``
    ({field: Excel number format}).
    """

    export_title = None
    export_number_formats = {}

    def get_export_title(self):
        return force_str(self.export_title or self.get_filename())

    def _export_table(self, queryset):
        fields = list(self.list_export)
        headers = [force_str(self.get_heading(queryset, field)) for field in fields]
        formats = {
            i: self.export_number_formats[field]
            for i, field in enumerate(fields)
            if field in self.export_number_formats
        }

        def rows():
            for item in queryset:
                row = self.to_row_dict(item)
                yield [self._export_value(field, row[field]) for field in fields]

        return headers, rows(), formats

    def _export_value(self, field, value):
        format_dict = self.custom_field_preprocess.get(field, {})
        if self.FORMAT_XLSX in format_dict and format_dict[self.FORMAT_XLSX]:
            return format_dict[self.FORMAT_XLSX](value)
        if callable(value) and not isinstance(value, type):
            value = value()
        if isinstance(value, (str, int, float, decimal.Decimal, datetime.date, bool, list, tuple)):
            return value
        if value is None:
            return None
        return force_str(value)

    def _names(self):
        title = self.get_export_title()
        fallback = self.get_filename()
        return title, fallback

    def write_csv_response(self, queryset):
        headers, rows, formats = self._export_table(queryset)
        title, fallback = self._names()
        # Translations and lazy values resolve now: the body streams after the view returns.
        headers = [force_str(h) for h in headers]
        return csv_response(title, headers, rows, fallback=fallback, number_formats=formats)

    def write_xlsx_response(self, queryset):
        headers, rows, formats = self._export_table(queryset)
        title, fallback = self._names()
        return xlsx_response(title, title, headers, rows, fallback=fallback, number_formats=formats)
