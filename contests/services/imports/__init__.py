"""Spreadsheet imports (CSV or XLSX, Chinese or English headers), all or nothing.

Every refused file names each row and column at fault; nothing is saved unless every row is
good. Files are read by the site's bounded reader (``core.spreadsheet_import``, through
``files``): a file past its limits is refused with a message. ``entrants``, ``scores`` and
``scheme`` import the rows.
"""

from .entrants import import_entrants
from .files import ImportRefused, Problem
from .scheme import copy_scheme, import_scheme, replace_criteria
from .scores import import_scores

__all__ = [
    "ImportRefused",
    "Problem",
    "import_entrants",
    "import_scores",
    "import_scheme",
    "replace_criteria",
    "copy_scheme",
]
