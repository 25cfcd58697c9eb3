"""The academy's views, one module per feature: the mentor–apprentice workspace (dashboard,
pairings, entries, confirmation, photos), the manager's list, exports, the calendar feed and the
public pages' filtered lists.

Importing the package registers the views the page models route to (``core.page_views``).
"""

from . import public  # noqa: F401
