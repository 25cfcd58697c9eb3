"""A bounded breadth-first crawler over the Django test client, shared by the crawl tests.

It follows the internal links (``href``) of every HTML page it fetches, collapses URLs that
differ only by numeric ids or query values into one pattern (only the first URL of a pattern is
fetched), and records what the checks need: every response, who linked to it, the forms found.
Links it does not fetch are still checked for existence by resolving them (cheaply, without
rendering): a link to an unknown page is a broken link even when its pattern was crawled.
"""

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urldefrag, urlencode, urlsplit

from bs4 import BeautifulSoup
from django.http import Http404
from django.test import RequestFactory
from django.urls import Resolver404, resolve
from django.utils import translation
from wagtail.models import Site

SKIP_PREFIXES = ("/admin/", "/media/", "/static/", "/healthz", "/__")
SKIP_PARTS = ("/accounts/logout/",)
# Answers that are files: fetched (no 5xx, no 404) but never parsed.
FILE_SUFFIXES = (".csv", ".xlsx", ".ics", ".png", ".pdf", ".jpg", ".jpeg", ".webp", ".zip")
ENGLISH = "/en/"
NUMBER = re.compile(r"(?<=/)\d+(?=/|$|\.)")
SLUG_NUMBER = re.compile(r"(?<=[a-z0-9]-)\d+(?=/|$)")  # studio-3, model-worker-12, 2024-46
TOKEN = re.compile(r"(?<=/)[A-Za-z0-9_-]{20,}(?=/|$|\.)")
CODE = re.compile(r"(?<=/verify/)[A-Z0-9]{6,16}(?=/|$)")  # certificate codes


def language_of(path):
    return "en" if path == "/en" or path.startswith(ENGLISH) else "zh-hans"


def pattern_of(url):
    """The URL with its numeric ids (and long tokens) collapsed and its query values dropped."""
    parts = urlsplit(url)
    path = TOKEN.sub("<token>", NUMBER.sub("<id>", parts.path))
    path = CODE.sub("<code>", SLUG_NUMBER.sub("<n>", path))
    keys = sorted({key for key, _value in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


def is_file(path):
    return path.lower().endswith(FILE_SUFFIXES) or path.startswith("/documents/")


@dataclass
class Visit:
    url: str
    referrer: str
    status: int
    content_type: str = ""
    html: str = ""
    location: str = ""


@dataclass
class Form:
    page: str  # where the form was found
    action: str
    fields: list = field(default_factory=list)  # (name, kind, options, value)


@dataclass
class Crawl:
    label: str
    visits: dict = field(default_factory=dict)  # url -> Visit
    links: dict = field(default_factory=dict)  # url -> first referrer, every internal link seen
    forms: list = field(default_factory=list)  # method="post"
    get_forms: list = field(default_factory=list)  # filters, search boxes
    unvisited_missing: list = field(default_factory=list)  # (url, referrer) resolving to 404
    other_language: list = field(default_factory=list)  # (url, page): a link leaving the language

    def html_pages(self):
        return [
            visit
            for visit in self.visits.values()
            if visit.status == 200 and visit.content_type.startswith("text/html")
        ]

    def where(self, url):
        visit = self.visits.get(url)
        referrer = visit.referrer if visit else self.links.get(url, "?")
        return f"{url} (linked from {referrer or 'the start'}) [{self.label}]"


def normalise(href, base):
    """An internal, crawlable path (with its query) for ``href`` on page ``base``, or None."""
    if not href:
        return None
    href = href.strip()
    if href.startswith(("mailto:", "tel:", "javascript:", "data:", "#")):
        return None
    from urllib.parse import urljoin

    absolute = urljoin("http://testserver" + base, href)
    absolute, _fragment = urldefrag(absolute)
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or parts.netloc not in ("testserver", ""):
        return None
    path = parts.path or "/"
    if path.startswith(SKIP_PREFIXES) or any(part in path for part in SKIP_PARTS):
        return None
    query = urlencode(parse_qsl(parts.query, keep_blank_values=True))
    return path + ("?" + query if query else "")


def page_exists(path, user):
    """Whether a link we do not fetch leads somewhere: resolve it without rendering it."""
    lang = language_of(path)
    with translation.override(lang):
        try:
            match = resolve(urlsplit(path).path)
        except Resolver404:
            return False
        if match.url_name != "wagtail_serve":
            return True  # an app view: its pattern exists; ids are checked by fetching one
        request = RequestFactory().get(path)
        request.user = user
        site = Site.find_for_request(request)
        if site is None:
            return False
        components = [part for part in match.args[0].split("/") if part]
        try:
            site.root_page.localized.specific.route(request, components)
        except Http404:
            return False
        return True


class Crawler:
    """Breadth-first over the test client from ``starts``, at most ``limit`` fetches and
    ``per_pattern`` URLs of one pattern (``/sessions/1/`` and ``/sessions/2/`` are one)."""

    def __init__(self, client, user, language, limit=150, per_pattern=1, label=""):
        self.client = client
        self.user = user
        self.language = language
        self.limit = limit
        self.per_pattern = per_pattern
        self.crawl = Crawl(label=label)

    def in_language(self, path):
        return is_file(path) or language_of(path) == self.language

    def run(self, starts):
        crawl = self.crawl
        queue = deque((start, "") for start in starts)
        patterns = Counter()
        for start in starts:
            crawl.links.setdefault(start, "")
        while queue and len(crawl.visits) < self.limit:
            url, referrer = queue.popleft()
            pattern = pattern_of(url)
            if url in crawl.visits or patterns[pattern] >= self.per_pattern:
                continue
            patterns[pattern] += 1
            visit = self.fetch(url, referrer)
            crawl.visits[url] = visit
            for link in self.links_of(visit):
                if link not in crawl.links:
                    crawl.links[link] = url
                    queue.append((link, url))
        # Links never fetched (their pattern was, or the budget ran out): do they exist?
        for link, referrer in crawl.links.items():
            if link in crawl.visits or not self.in_language(link):
                continue
            if not page_exists(link, self.user):
                crawl.unvisited_missing.append((link, referrer))
        return crawl

    def fetch(self, url, referrer):
        response = self.client.get(url, HTTP_REFERER="http://testserver" + referrer)
        content_type = response.get("Content-Type", "")
        visit = Visit(url=url, referrer=referrer, status=response.status_code)
        visit.content_type = content_type
        if response.status_code in (301, 302, 303, 307, 308):
            visit.location = response["Location"]
        elif content_type.startswith("text/html") and not is_file(urlsplit(url).path):
            visit.html = response.content.decode(response.charset or "utf-8")
        return visit

    def links_of(self, visit):
        if visit.location:
            link = normalise(visit.location, visit.url)
            return [link] if link else []
        if not visit.html:
            return []
        soup = BeautifulSoup(visit.html, "html.parser")
        found = []
        for tag in soup.find_all(href=True):
            if tag.name not in ("a", "area"):
                continue  # <link rel=stylesheet> and friends are assets
            link = normalise(tag["href"], visit.url)
            if not link:
                continue
            if self.in_language(link):
                found.append(link)
            elif not tag.get("hreflang"):  # only the language switch may change the language
                self.crawl.other_language.append((link, visit.url))
        for form in soup.find_all("form"):
            if (form.get("method") or "get").lower() == "post":
                self.crawl.forms.append(read_form(form, visit.url))
            else:
                self.crawl.get_forms.append(read_form(form, visit.url))
        return found


def read_form(form, page):
    """The form's action and fields: (name, kind, options, value, on) per control, where ``on``
    says whether a browser would send it as the page shows it (checked boxes, the first button,
    every other control)."""
    action = normalise(form.get("action") or page, page)  # None: not ours to post (logout)
    fields = []
    button_seen = False
    for tag in form.find_all(["input", "select", "textarea", "button"]):
        name = tag.get("name")
        if not name:
            continue
        if tag.name == "select":
            options = [option.get("value", option.text) for option in tag.find_all("option")]
            chosen = tag.find("option", selected=True) or tag.find("option")
            value = chosen.get("value", chosen.text) if chosen else ""
            fields.append((name, "select", options, value, True))
        elif tag.name == "textarea":
            fields.append((name, "textarea", [], tag.text, True))
        elif tag.name == "button" or tag.get("type") in ("submit", "image"):
            fields.append((name, "button", [], tag.get("value", ""), not button_seen))
            button_seen = True
        else:
            kind = (tag.get("type") or "text").lower()
            on = tag.has_attr("checked") if kind in ("checkbox", "radio") else kind != "file"
            default = "on" if kind in ("checkbox", "radio") else ""
            fields.append((name, kind, [], tag.get("value", default), on))
    return Form(page=page, action=action, fields=fields)
