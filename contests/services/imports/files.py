"""The contests' imports read files through the site's bounded reader.

``core.spreadsheet_import`` reads a CSV or XLSX upload within the limits of
``settings.SPREADSHEET_IMPORT_LIMITS`` and maps its header row; refusals are ``ImportRefused``
(a ``core.refusals.Refused``) listing each row and column at fault.
"""

from core.spreadsheet_import import (
    ImportRefused,
    Problem,
    Table,
    import_limits,
    parse_table,
    read_rows,
)

__all__ = ["ImportRefused", "Problem", "Table", "import_limits", "parse_table", "read_rows"]
