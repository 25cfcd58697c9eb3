"""Whole-page caching of public pages for anonymous visitors.

A page is stored only when nothing in it belongs to the visitor: no CSRF token (a page with a
form for the public, such as contest registration, is rendered for every visitor), no cookie,
no message. Each stored page's key carries two version numbers, the site's and its section's
(the first segment of its path: ``heritage``, ``academy``, ``contests``; ``home`` for the home
page), so a change drops only the pages that show it:

- publishing or unpublishing a page drops its section and the home page (which shows every
  section's highlights); a change to the home page or a section index drops every page, since
  the menus show them;
- apps name the sections a model's rows appear in with :func:`invalidate_on_change`, or call
  :func:`invalidate_pages` after bulk writes.

What many pages show (the menu, the home page's highlights) is kept with :func:`cached_part`
under the same version numbers, so it is dropped with the pages that show it and also serves
visitors whose pages are never stored (signed-in users, the first visitor after a change).

When the cache cannot be reached, pages are served uncached: a cache outage never answers 500.
"""

import logging
import time
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import translation

logger = logging.getLogger(__name__)

SITE = "site"
HOME = "home"


def _version_key(section):
    return f"pages:version:{section}"


def _fresh_version():
    # A version key the cache dropped comes back with a value never used before.
    return time.time_ns() // 1000


# The version numbers a request has read, so that its page and every part of it cost one
# round trip to the cache for them instead of one each; ``None`` outside a request (tasks,
# commands), where every call reads the cache.
_request_versions = ContextVar("page_cache_versions", default=None)


def _start_request(**_kwargs):
    _request_versions.set({})


def _end_request(**_kwargs):
    _request_versions.set(None)


request_started.connect(_start_request, dispatch_uid="page-cache:versions:start")
request_finished.connect(_end_request, dispatch_uid="page-cache:versions:end")


def _versions(section):
    keys = [_version_key(SITE), _version_key(section)]
    known = _request_versions.get()
    if known is not None and all(key in known for key in keys):
        return [known[key] for key in keys]
    # Within a request the home page's version comes along (the menu and highlights need it),
    # and versions read before are not asked again.
    wanted = keys
    if known is not None:
        wanted = [key for key in dict.fromkeys([*keys, _version_key(HOME)]) if key not in known]
    found = cache.get_many(wanted)
    for key in wanted:
        if key not in found:
            cache.add(key, _fresh_version(), timeout=None)
            found[key] = cache.get(key)
    if known is not None:
        known.update(found)
        found = known
    return [found[key] for key in keys]


def _bump(sections):
    if _request_versions.get() is not None:
        _request_versions.set({})
    for section in sections:
        key = _version_key(section)
        try:
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, _fresh_version(), timeout=None)
        except Exception:  # the cache is down: nothing is served from it either
            logger.warning("Page cache unreachable: could not invalidate %s", section)


def invalidate_pages(*sections):
    """Drop the cached pages of the given sections and the home page; every page without one.

    The drop happens now and again when the current transaction commits, so a visitor
    rendering the page in between cannot store what is about to change.
    """
    targets = {SITE} if not sections else set(sections) | {HOME}
    _bump(targets)
    transaction.on_commit(lambda: _bump(targets))


def section_of_path(path):
    """The section of a path below the site root (``heritage/lessons/`` → ``heritage``)."""
    first = path.strip("/").split("/", 1)[0]
    return first or HOME


def section_of_page(page):
    """The section a page belongs to, or ``None`` for the home page and the sections' indexes,
    whose titles appear in every page's menu."""
    parts = [part for part in page.url_path.split("/") if part]
    if len(parts) <= 2:
        return None
    return parts[1]


def invalidate_page(sender=None, instance=None, **_kwargs):
    """Signal receiver for page publish, unpublish and delete."""
    section = section_of_page(instance) if instance is not None else None
    if section is None:
        invalidate_pages()
    else:
        invalidate_pages(section)


def invalidate_on_change(model, *sections):
    """Drop the given sections' pages whenever a row of ``model`` is saved or deleted."""

    def receiver(**_kwargs):
        invalidate_pages(*sections)

    uid = f"page-cache:{model._meta.label}"
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=uid + ":save")
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=uid + ":delete")


def cached_part(name, build, section=HOME):
    """``build()``, kept in the shared cache until ``section``'s pages change (any page's, for
    the home page's section) or ``PAGE_PART_CACHE_SECONDS`` pass, per active language."""
    seconds = settings.PAGE_PART_CACHE_SECONDS
    if seconds <= 0:
        return build()
    try:
        site_version, section_version = _versions(section)
        key = f"part:{name}:{site_version}.{section_version}:{translation.get_language()}"
        value = cache.get(key)
    except Exception:
        logger.warning("Page cache unreachable: building %s", name)
        return build()
    if value is None:
        value = build()
        try:
            cache.set(key, value, seconds)
        except Exception:
            logger.warning("Page cache unreachable: %s not stored", name)
    return value


def _cacheable_request(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not request.GET
        and not len(get_messages(request))
    )


def _cacheable_response(request, response):
    return (
        response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in response.get("Cache-Control", "")
    )


def cache_anonymous(view):
    """Serve anonymous GETs of public pages from the shared cache.

    The wrapped view takes the page's path below the site root as its first argument.
    """

    @wraps(view)
    def wrapped(request, path="", *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, path, *args, **kwargs)
        try:
            site_version, section_version = _versions(section_of_path(path))
            key = (
                f"page:{site_version}.{section_version}:"
                f"{translation.get_language()}:{request.get_full_path()}"
            )
            response = cache.get(key)
        except Exception:
            logger.warning("Page cache unreachable: serving %s uncached", request.path)
            response = view(request, path, *args, **kwargs)
            response["X-Page-Cache"] = "off"
            return response
        if response is not None:
            response["X-Page-Cache"] = "hit"
            return response
        response = view(request, path, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if _cacheable_response(request, response):
            try:
                cache.set(key, response, settings.PAGE_CACHE_SECONDS)
            except Exception:
                logger.warning("Page cache unreachable: %s not stored", request.path)
            response["X-Page-Cache"] = "miss"
        else:
            response["X-Page-Cache"] = "bypass"
        return response

    return wrapped
