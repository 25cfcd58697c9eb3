"""Spreadsheet imports (CSV or XLSX, Chinese or English headers), all or nothing.

Every refused file names each row and column at fault; nothing is saved unless every row is
good. ``files`` reads a spreadsheet into rows; ``entrants``, ``scores`` and ``scheme`` import
them.
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
