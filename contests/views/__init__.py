"""The contests' views. Importing this package registers the views behind the pages
(``public``) with ``core.page_views``; ``ContestsConfig.ready()`` imports it."""

from . import public

__all__ = ["public"]
