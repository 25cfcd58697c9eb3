"""The public site search: what each section makes findable, gathered, matched and paginated.

Each app may have a ``searchable`` module with ``KINDS``, a list of :class:`SearchKind`: one
kind of result (lessons, people, results...) with a ``find(search)`` that answers the
:class:`Search` with a list of :class:`Hit` in one query. Core names no app.

Chinese is written without spaces, so a word is found as a substring: every term of the query
must occur (``icontains``) in one of the kind's fields. ``icontains`` is ``LIKE`` on SQLite and
``UPPER(...) LIKE UPPER(...)`` on PostgreSQL, so both databases find the same pages, and a new
page is findable the moment it is published (no index to keep up to date).

Only live pages outside private sections are searched: each kind starts from
:meth:`Search.pages`, the equivalent of ``live().public()`` with the private sections read once
per search rather than once per kind. A search costs one query per kind and one for those
sections, whatever the size of the data: each kind returns at most ``HITS_PER_KIND`` hits.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from html import unescape

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils.html import conditional_escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from .discovery import app_modules
from .pagination import paginate
from .refusals import Refused

MAX_QUERY_LENGTH = 50
MAX_TERMS = 5
HITS_PER_KIND = 50
PAGE_SIZE = 20
SNIPPET_CHARS = 90
# Fields every page has: editors may fill the promote tab's fields in English.
PAGE_FIELDS = ("title", "seo_title", "search_description", "slug")


@dataclass(frozen=True)
class SearchKind:
    key: str
    label: str
    position: int
    find: object  # find(search) -> at most search.fetch_size hits, in one query
    suggest: object = None  # suggest() -> a few words worth trying, in one query


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    text: str = ""  # plain text the snippet is cut from
    meta: str = ""


@dataclass(frozen=True)
class ShownHit:
    kind: str
    label: str
    title: str  # safe HTML, terms marked
    url: str
    snippet: str  # safe HTML, terms marked
    meta: str


@dataclass
class Group:
    key: str
    label: str
    total: int
    capped: bool
    hits: list = field(default_factory=list)


@dataclass
class Results:
    query: str
    terms: list
    total: int
    page_obj: object
    groups: list  # the groups of this page's hits, in the kinds' order
    counts: list  # (label, total, capped) of every kind with a hit, on every page
    limit: int = HITS_PER_KIND

    @property
    def capped(self):
        return any(capped for _label, _total, capped in self.counts)


class Search:
    """One search: its terms, the request (for page URLs) and the public pages' filter."""

    def __init__(self, terms, request, limit=HITS_PER_KIND):
        self.terms = terms
        self.request = request
        self.limit = limit
        self.fetch_size = limit + 1  # one more than shown tells that there are more
        self._private = None

    def pages(self, model):
        """The model's live pages outside private sections (``live().public()``)."""
        if self._private is None:
            self._private = Page.objects.all().private_q()
        return model.objects.live().exclude(self._private)

    def matching(self, fields, related=()):
        """Every term in one of ``fields`` (or in one of the ``related(term)`` expressions)."""
        condition = Q()
        for term in self.terms:
            alternatives = Q()
            for name in fields:
                alternatives |= Q(**{f"{name}__icontains": term})
            for expression in related:
                alternatives |= expression(term)
            condition &= alternatives
        return condition

    def title_first(self):
        """An ordering that puts pages whose title holds the first term first."""
        return Case(
            When(title__icontains=self.terms[0], then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )

    def contains_all(self, text):
        folded = text.casefold()
        return all(term.casefold() in folded for term in self.terms)

    def url(self, page):
        return page.get_url(self.request)


def plain(html):
    """The text of rich text (or any markup), on one line."""
    return " ".join(unescape(strip_tags(html or "")).split())


def normalise(raw):
    """Control characters become spaces, runs of spaces one space."""
    cleaned = "".join(
        " " if unicodedata.category(char) in ("Cc", "Cf", "Cs") else char for char in raw or ""
    )
    return " ".join(cleaned.split())


def parse_query(raw):
    """The query's terms (at most ``MAX_TERMS``); ``Refused`` when it is too long."""
    query = normalise(raw)
    if len(query) > MAX_QUERY_LENGTH:
        raise Refused(
            _("Search for at most %(limit)s characters: shorten the words and try again.")
            % {"limit": MAX_QUERY_LENGTH},
            field="q",
        )
    terms = []
    for term in query.split(" "):
        if term and term.casefold() not in (t.casefold() for t in terms):
            terms.append(term)
    return query, terms[:MAX_TERMS]


def _pattern(terms):
    return re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)


def highlight(text, terms):
    """``text`` escaped, with each occurrence of a term in <mark>."""
    if not terms:
        return conditional_escape(text)
    parts, last = [], 0
    for found in _pattern(terms).finditer(text):
        parts.append(conditional_escape(text[last : found.start()]))
        parts.append("<mark>" + conditional_escape(found.group()) + "</mark>")
        last = found.end()
    parts.append(conditional_escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


def snippet(text, terms, width=SNIPPET_CHARS):
    """Up to ``width`` characters of ``text`` around the first term found, highlighted."""
    text = " ".join((text or "").split())
    found = _pattern(terms).search(text) if terms else None
    start = 0
    if found and found.start() > width // 3:
        start = found.start() - width // 3
    piece = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(  # noqa: S308 - highlight escapes the text; the ellipses are plain
        prefix + highlight(piece, terms) + suffix
    )


@cache
def search_kinds():
    """Every app's kinds, in their order (looked up once per process)."""
    kinds = [kind for _config, module in app_modules("searchable") for kind in module.KINDS]
    return tuple(sorted(kinds, key=lambda kind: kind.position))


def suggestions(limit=8):
    """A few words worth trying, for the empty search page."""
    words = []
    for kind in search_kinds():
        if kind.suggest is not None:
            words += [word for word in kind.suggest() if word not in words]
    return words[:limit]


def search(request, raw_query, per_page=PAGE_SIZE):
    """The page of results the request asks for, or None for an empty query.

    ``Refused`` for a query that is too long; a page number that is not one is a 404.
    """
    query, terms = parse_query(raw_query)
    if not terms:
        return None
    search = Search(terms, request)
    hits, counts = [], []
    for kind in search_kinds():
        found = kind.find(search)
        capped = len(found) > search.limit
        found = found[: search.limit]
        if found:
            counts.append((kind.key, kind.label, len(found), capped))
        hits += [(kind, hit) for hit in found]
    page_obj = paginate(request, hits, per_page)
    groups = {}
    count_of = {key: (total, capped) for key, _label, total, capped in counts}
    for kind, hit in page_obj.object_list:
        if kind.key not in groups:
            total, capped = count_of[kind.key]
            groups[kind.key] = Group(kind.key, kind.label, total, capped)
        groups[kind.key].hits.append(
            ShownHit(
                kind=kind.key,
                label=kind.label,
                title=highlight(hit.title, terms),
                url=hit.url,
                snippet=snippet(hit.text, terms) if hit.text else "",
                meta=hit.meta,
            )
        )
    return Results(
        query=query,
        terms=terms,
        total=len(hits),
        page_obj=page_obj,
        groups=list(groups.values()),
        counts=[(label, total, capped) for _key, label, total, capped in counts],
    )


def tagged(through):
    """A ``related`` condition for :meth:`Search.matching`: the page carries a tag (through the
    ``TaggedItemBase`` model ``through``) whose name contains the term."""

    def condition(term):
        return Exists(
            through.objects.filter(content_object=OuterRef("pk"), tag__name__icontains=term)
        )

    return condition
