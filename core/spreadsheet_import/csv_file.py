"""CSV uploads: UTF-8 or GB18030, comma, semicolon or tab separated."""

import csv
import io

from django.utils.translation import gettext as _

from .bounds import Reading, refuse_file


def csv_rows(data, limits):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise refuse_file(_("The CSV file is not UTF-8 or GBK."))
    del data
    if "\x00" in text:
        raise refuse_file(_("The file holds binary data: it is not a CSV text file."))
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = ","
    if "," not in first_line:
        for candidate in ("\t", ";"):
            if candidate in first_line:
                delimiter = candidate
                break
    reading = Reading(limits)
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
        raise refuse_file(
            _("Row %(row)s cannot be read as CSV (%(error)s).")
            % {"row": number + 1, "error": error}
        ) from None
    return reading.rows
