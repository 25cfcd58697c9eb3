"""Cells as text, and the header row mapped to an import's columns."""

import datetime
import math
import re
from decimal import Decimal

from django.utils.translation import gettext as _

from .bounds import CONTROL_CHARACTERS, ImportRefused, Problem, Table, column_letter


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


DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
YES = {"是", "有", "同意", "y", "yes", "true", "1", "✓", "√"}
NO = {"否", "无", "不同意", "n", "no", "false", "0", "×", "x"}


def date_cell(text):
    """A date as written in a cell (2025-03-01, 2025/3/1, 2025年3月1日), or None."""
    match = DATE_PATTERN.match(text.strip())
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def yes_no_cell(text):
    """True for 是/yes/1/✓, False for 否/no/0, None for anything else."""
    text = text.strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    return None


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
