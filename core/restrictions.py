"""Page view restrictions, read from the shared cache instead of on every page and menu.

Wagtail asks the database for every view restriction each time a page is served (two
queries) and each time a page list is filtered with ``.public()`` (one query each): four or
five queries on every public page of a site that has none. Here the restrictions are kept
with ``core.cache.cached_part`` under the site's page-cache version, which a restriction saved
or deleted and a page moved bump (``core.signals``), and Wagtail's two methods use them:

- ``PageQuerySet.private_q`` builds the same condition from the kept restrictions;
- ``Page.get_view_restrictions`` answers an empty queryset without a query when the site has
  no restriction at all, and asks as before when it has one (so aliases are handled as
  Wagtail handles them).
"""

from django.db.models import Q
from wagtail.models import Page, PageViewRestriction
from wagtail.query import PageQuerySet

from .cache import SITE, cached_part


def view_restrictions():
    """Every page view restriction with its page, from the shared cache."""
    return cached_part(
        "view-restrictions",
        lambda: list(PageViewRestriction.objects.select_related("page")),
        section=SITE,
    )


def _private_q(self):
    q = Q()
    for restriction in view_restrictions():
        q |= self.descendant_of_q(restriction.page, inclusive=True)
    # As Wagtail's own: no page matches when no section is private.
    return q if q else Q(pk__in=[])


_wagtail_get_view_restrictions = Page.get_view_restrictions


def _get_view_restrictions(self):
    if not view_restrictions():
        return PageViewRestriction.objects.none()
    return _wagtail_get_view_restrictions(self)


def install():
    PageQuerySet.private_q = _private_q
    Page.get_view_restrictions = _get_view_restrictions
