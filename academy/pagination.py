"""The academy's listings page through the site's one helper, 12 to a page."""

from core.pagination import paginate as _paginate

PAGE_SIZE = 12


def paginate(request, items, per_page=PAGE_SIZE):
    return _paginate(request, items, per_page)
