"""What the home page shows of each section: the next activities, the latest results, new lessons.

Each app may have a ``highlights`` module with ``highlight(request)`` returning a ``Highlight``
(or None), shown in the order of the apps' sections; each costs a fixed, small number of queries.
"""

from dataclasses import dataclass, field

from .discovery import app_modules


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
    found_modules = app_modules("highlights", exclude=("core",))
    ordered = sorted(found_modules, key=lambda pair: getattr(pair[0], "section_position", 100))
    for _config, module in ordered:
        highlight = module.highlight(request)
        if highlight is not None:
            found.append(highlight)
    return found
