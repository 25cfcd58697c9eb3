"""What the home page shows of each section: the next activities, the latest results, new lessons.

Each app may have a ``highlights`` module with ``highlight(request)`` returning a ``Highlight``
(or None) and a ``POSITION`` on the home page; each costs a fixed, small number of queries.
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
    modules = sorted(
        (module for _config, module in app_modules("highlights", exclude=("core",))),
        key=lambda module: getattr(module, "POSITION", 100),
    )
    for module in modules:
        highlight = module.highlight(request)
        if highlight is not None:
            found.append(highlight)
    return found
