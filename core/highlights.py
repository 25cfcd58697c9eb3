"""What the home page shows of each section: the next activities, the latest results, new lessons.

Each app may have a ``highlights`` module with ``highlight(request)`` returning a ``Highlight``
(or None); each costs a fixed, small number of queries.
"""

from dataclasses import dataclass, field
from importlib import import_module

APPS = ["academy", "contests", "heritage"]


@dataclass(frozen=True)
class HighlightItem:
    text: str
    url: str
    meta: str = ""


@dataclass(frozen=True)
class Highlight:
    title: str
    url: str
    more: str
    empty: str
    items: list = field(default_factory=list)


def home_highlights(request):
    found = []
    for app in APPS:
        try:
            module = import_module(f"{app}.highlights")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.highlights":
                raise
            continue
        highlight = module.highlight(request)
        if highlight is not None:
            found.append(highlight)
    return found
