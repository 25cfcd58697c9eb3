"""The programme's views, one module per feature. Importing the package (HeritageConfig.ready
does) registers the views behind the programme page (``public``, through core.page_views)."""

from . import (  # noqa: F401
    feeds,
    kindergartens,
    lessons,
    plan,
    public,
    reports,
    roll_call,
    sessions,
    week,
)
