"""Whole-page caching for anonymous visitors, dropped on every publish.

A version number lives in the cache; every cached page key includes it, so bumping it
(on publish, unpublish, delete, or any change an app reports) invalidates every page at once.
"""

from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.utils import translation

VERSION_KEY = "pages:version"


def pages_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        version = 1
        cache.add(VERSION_KEY, version, timeout=None)
    return version


def invalidate_pages(**_kwargs):
    """Drop every cached anonymous page. Usable directly as a signal receiver."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def _cacheable(request):
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not request.GET
        and not len(get_messages(request))
        and settings.PAGE_CACHE_SECONDS > 0
    )


def cache_anonymous(view):
    """Serve anonymous GETs of public pages from the cache."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = f"page:{pages_version()}:{translation.get_language()}:{request.get_full_path()}"
        response = cache.get(key)
        if response is not None:
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if (
            response.status_code == 200
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
        ):
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
        response["X-Page-Cache"] = "miss"
        return response

    return wrapped
