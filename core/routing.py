"""Finding the site and the page a path asks for in few queries, however deep it lies.

:func:`site_for_request` is Wagtail's ``Site.find_for_request`` with the answer kept in the
shared cache by host and port (dropped when a site is saved or a page moved, ``core.signals``).

Wagtail's ``Page.route`` takes one step per path segment, each a query for the child and
another for its specific row: a profile four levels down cost eight queries before its view
ran. :func:`route_along_path` fetches every page along the path in one query and walks them
in the same order and with the same rules (a routable page's own routes come before its
children; a page that is not live is a 404), then asks the last page to route the rest.
"""

from django.http import Http404
from django.http.request import split_domain_port
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, Site

from .cache import SITE, cached_part


def site_for_request(request):
    """The request's Wagtail site, as ``Site.find_for_request`` finds it, from the cache."""
    if request is None:
        return None
    if not hasattr(request, "_wagtail_site"):
        hostname = split_domain_port(request._get_raw_host())[0]
        request._wagtail_site = cached_part(
            f"site:{hostname}:{request.get_port()}",
            lambda: _find_site(request),
            section=SITE,
        )
    return request._wagtail_site


def _find_site(request):
    # With its root page already specific, routing asks no query for it. Publishing the root
    # page drops every cached page and part (``core.cache.invalidate_page``), this one too.
    site = Site._find_for_request(request)
    if site is not None:
        site.root_page = site.root_page.specific
    return site


def serve(request, path):
    """Wagtail's page view, with the site known from the cache."""
    from wagtail import views as wagtail_views

    site_for_request(request)
    return wagtail_views.serve(request, path)


def _routes_itself(page, remaining):
    """Whether a page answers the remaining path itself: a routable page with one of its own
    routes, or a page with a ``route`` of its own (which is then left to decide)."""
    cls = page.specific_class
    if cls is None:
        return False
    if cls.route not in (Page.route, RoutablePageMixin.route):
        return True
    if not (issubclass(cls, RoutablePageMixin) and page.live):
        return False
    try:
        cls.get_resolver().resolve("/" + "/".join(remaining) + "/")
    except Http404:
        return False
    return True


def route_along_path(root, request, path_components):
    """What ``root.route(request, path_components)`` returns, with far fewer queries."""
    prefixes = []
    url_path = root.url_path
    for component in path_components:
        url_path += f"{component}/"
        prefixes.append(url_path)
    along = {
        page.url_path: page
        for page in Page.objects.filter(
            url_path__in=prefixes,
            path__startswith=root.path,
            depth__gt=root.depth,
            depth__lte=root.depth + len(prefixes),
        )
    }
    page = root
    for position, prefix in enumerate(prefixes):
        remaining = path_components[position:]
        if position and _routes_itself(page, remaining):
            return page.specific.route(request, remaining)
        child = along.get(prefix)
        if child is None or child.depth != root.depth + position + 1:
            raise Http404
        # As Page.route does: the parent is known, so get_parent() costs no query.
        child._cached_parent_obj = page
        page = child
    return page.specific.route(request, [])
