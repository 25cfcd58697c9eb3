"""What the home page shows of each section: the next activities, the latest results, new lessons.

Each app may have a ``highlights`` module with ``highlight(request)`` returning a ``Highlight``
(or None), shown in the order of the apps' sections; each costs a fixed, small number of queries.
"""

from dataclasses import dataclass, field
from functools import cache

from .cache import cached_part
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


@cache
def _highlight_modules():
    found = app_modules("highlights", exclude=("core",))
    ordered = sorted(found, key=lambda pair: getattr(pair[0], "section_position", 100))
    return tuple(module for _config, module in ordered)


def home_highlights(request):
    """Every section's highlight, kept in the shared cache until a page or row they show
    changes (``core.cache``): the same for every visitor."""

    def build():
        highlights = (module.highlight(request) for module in _highlight_modules())
        return [highlight for highlight in highlights if highlight is not None]

    return cached_part(f"highlights:{request.get_host()}", build)
