"""Crawl the whole demo as every role, in both languages, and check every page reached.

For anonymous visitors and each demo login, in Chinese (bare paths) and English (/en/), a
bounded breadth-first crawl from ``/`` and ``/workspace/`` follows the internal links. Every
answer must be below 500; no link on a page may lead to a 404 (nor to a 403: a link the user
may not follow), nor out of the page's language except the language switch; every HTML page
names its language, has a title of its own and exactly one <h1>, and its labels and ARIA
attributes point at ids that exist (once); anonymous pages never show a child's name nor an
entrant's phone number. Failures name the URL and the page that linked to it.

The HTML of every page reached (one per URL pattern, role and language) and the 404 page is then
checked by the W3C Nu Html Checker in one batch (``test_every_page_is_valid_html``, last in this
module); run alone, that test crawls for itself.
"""

import re
import time

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat

from contests.models import Entrant
from core.demo import DEMO_LOGINS
from heritage.models import Child
from tests.crawler import Crawler, pattern_of
from tests.validators import nu_errors

ROLES = [None, *DEMO_LOGINS]
# Chinese, the site's first language, is explored deeper (up to three URLs of one pattern, so
# e.g. a past and a coming session); English checks one URL per pattern.
LANGUAGES = [("zh-hans", ["/", "/workspace/"], 3), ("en", ["/en/", "/en/workspace/"], 1)]
LIMIT = 150
# Links that answer 404 on purpose (none so far).
DELIBERATE_404 = ()
CHILD_MARK = "童名标记"
# The pages the crawls reached, for the Nu Html Checker: (label, URL pattern) -> (URL, HTML).
REACHED = {}


def crawl_as(client, username, language, starts, per_pattern=1, limit=LIMIT):
    user = None
    if username:
        user = get_user_model().objects.get(username=username)
        client.force_login(user)
    label = f"{username or 'anonymous'}, {language}"
    crawler = Crawler(client, user, language, limit=limit, per_pattern=per_pattern, label=label)
    return crawler.run(starts)


def page_problems(crawl, language):
    """Server errors, broken links and malformed HTML pages of one crawl."""
    problems = []
    for visit in crawl.visits.values():
        if visit.status >= 500:
            problems.append(f"{visit.status} at {crawl.where(visit.url)}")
        elif visit.status == 404 and not visit.url.startswith(DELIBERATE_404):
            problems.append(f"broken link: 404 at {crawl.where(visit.url)}")
        elif visit.status == 403:
            problems.append(f"a link to a page this user may not open: {crawl.where(visit.url)}")
    for url, page in crawl.other_language:
        problems.append(f"link to {url} leaves the page's language on {crawl.where(page)}")
    for url, referrer in crawl.unvisited_missing:
        if not url.startswith(DELIBERATE_404):
            problems.append(f"broken link: no page at {url} (linked from {referrer})")
    for visit in crawl.html_pages():
        soup = BeautifulSoup(visit.html, "html.parser")
        html = soup.find("html")
        lang = html.get("lang") if html else None
        if lang != language:
            problems.append(
                f'<html lang="{lang}">, expected "{language}" at {crawl.where(visit.url)}'
            )
        title = soup.title.get_text(" ", strip=True) if soup.title else ""
        # base.html appends " · <site name>" to every title: the page's own part must not be empty
        if not title or title.startswith("·"):
            problems.append(f"empty <title> ({title!r}) at {crawl.where(visit.url)}")
        problems += [f"{problem} at {crawl.where(visit.url)}" for problem in id_problems(soup)]
        headings = soup.find_all("h1")
        if len(headings) != 1:
            texts = [h.get_text(" ", strip=True) for h in headings]
            problems.append(f"{len(headings)} <h1> {texts} at {crawl.where(visit.url)}")
    return problems


def keep_for_validation(crawl):
    for visit in crawl.html_pages():
        REACHED.setdefault((crawl.label, pattern_of(visit.url)), (visit.url, visit.html))


def id_problems(soup):
    """Duplicate ids, and labels or ARIA attributes pointing at an id the page lacks."""
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    problems = [f'duplicate id="{i}"' for i in sorted({i for i in ids if ids.count(i) > 1})]
    known = set(ids)
    for attribute in ("aria-describedby", "aria-labelledby", "aria-controls"):
        for tag in soup.find_all(attrs={attribute: True}):
            for ref in tag[attribute].split():
                if ref not in known:
                    problems.append(f'{attribute}="{ref}" names no element')
    for label in soup.find_all("label", attrs={"for": True}):
        if label["for"] not in known:
            problems.append(f'<label for="{label["for"]}"> names no element')
    return sorted(set(problems))


def private_strings():
    """Children's names and entrants' phone numbers, which no anonymous page may show.

    Demo children have short invented names that also occur inside grown-ups' names (a child
    陆可 and a craftsman 陆可欣), so each child is first renamed to a marker no page could show
    by chance; the phone numbers (11 digits) are distinctive as they are.
    """
    Child.objects.update(
        display_name=Concat(Value(CHILD_MARK), Cast("pk", CharField()), Value("号"))
    )
    children = set(Child.objects.values_list("display_name", flat=True))
    phones = set(Entrant.objects.exclude(phone="").values_list("phone", flat=True))
    return children, phones


def leaks(crawl, children, phones):
    problems = []
    for visit in crawl.visits.values():
        if visit.status != 200 or not visit.html:
            continue
        if CHILD_MARK in visit.html:
            names = sorted(set(re.findall(CHILD_MARK + r"\d+号", visit.html)))
            problems.append(f"children's names {names} on {crawl.where(visit.url)}")
        for phone in sorted(phones):
            if phone in visit.html:
                problems.append(f"entrant's phone {phone} on {crawl.where(visit.url)}")
    return problems


@pytest.mark.parametrize("username", ROLES, ids=lambda name: name or "anonymous")
def test_crawl(client, demo_data, username):
    client.raise_request_exception = False  # a 500 is reported with its URL, not raised
    problems, counts = [], []
    children, phones = private_strings() if username is None else (set(), set())
    assert username is not None or (children and phones), "the demo must have children and phones"
    for language, starts, per_pattern in LANGUAGES:
        client.logout()
        crawl = crawl_as(client, username, language, starts, per_pattern)
        counts.append(f"{language}: {len(crawl.visits)} URLs, {len(crawl.links)} links")
        assert len(crawl.html_pages()) > 5, f"the crawl reached too little: {crawl.visits.keys()}"
        problems += page_problems(crawl, language)
        keep_for_validation(crawl)
        if username is None:
            problems += leaks(crawl, children, phones)
    print(f"{username or 'anonymous'}: " + "; ".join(counts))
    assert not problems, "\n".join(problems)


def test_every_page_is_valid_html(client, demo_data):
    """No page, as any role in either language, has an error by the W3C Nu Html Checker."""
    client.raise_request_exception = False
    for username in ROLES:
        for language, starts, _per_pattern in LANGUAGES:
            label = f"{username or 'anonymous'}, {language}"
            if not any(key[0] == label for key in REACHED):  # run alone: crawl for itself
                client.logout()
                keep_for_validation(crawl_as(client, username, language, starts))
    client.logout()
    pages = {f"{url} [{label}]": html for (label, _pattern), (url, html) in REACHED.items()}
    for missing in ("/no-such-page/", "/en/no-such-page/"):
        response = client.get(missing)
        assert response.status_code == 404
        pages[f"{missing} [404]"] = response.content.decode()
    started = time.monotonic()
    errors = nu_errors(pages)
    took = time.monotonic() - started
    report = [f"{name}\n  " + "\n  ".join(found) for name, found in sorted(errors.items())]
    print(f"Nu Html Checker: {len(pages)} pages in {took:.0f}s, {len(errors)} with errors")
    assert not errors, "\n".join(report)


# ------------------------------------------------- the checks themselves can fail


def test_the_checks_catch_a_broken_page(client, site_tree):
    from tests.crawler import Crawl, Visit, page_exists

    crawl = Crawl(label="self-test")
    bad = (
        '<html lang="en"><head><title> · 奉化匠心</title></head><body><h1>a</h1><h1>b</h1>'
        '<p id="p"></p><p id="p"></p><label for="">x</label><input aria-describedby="p q">'
    )
    crawl.visits["/x/"] = Visit("/x/", "/", 200, "text/html; charset=utf-8", bad)
    crawl.visits["/gone/"] = Visit("/gone/", "/x/", 404)
    crawl.visits["/boom/"] = Visit("/boom/", "/x/", 500)
    crawl.unvisited_missing.append(("/nowhere/", "/x/"))
    problems = "\n".join(page_problems(crawl, "zh-hans"))
    for expected in (
        'lang="en"',
        "empty <title>",
        "2 <h1>",
        "404 at /gone/",
        "500 at /boom/",
        'duplicate id="p"',
        '<label for=""> names no element',
        'aria-describedby="q" names no element',
    ):
        assert expected in problems
    assert "(linked from /x/)" in problems and "no page at /nowhere/" in problems
    assert page_exists("/heritage/", None) and page_exists("/en/heritage/", None)
    assert not page_exists("/heritage/no-such-craft/", None)
    assert not page_exists("/en/no/such/path/", None)


def test_the_leak_check_finds_a_name_or_a_phone(client):
    from tests.crawler import Crawl, Visit

    crawl = Crawl(label="self-test")
    html = f"<p>{CHILD_MARK}12号</p><p>电话 13800001234</p>"
    crawl.visits["/x/"] = Visit("/x/", "/", 200, "text/html", html)
    problems = "\n".join(leaks(crawl, set(), {"13800001234"}))
    assert f"{CHILD_MARK}12号" in problems and "13800001234" in problems


def test_the_nu_checker_reports_an_error_per_page():
    good = (
        '<!DOCTYPE html><html lang="en"><head><title>ok</title></head><body><p>ok</p></body></html>'
    )
    bad = '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><small><ul><li>a</ul>'
    errors = nu_errors({"/good/": good, "/bad/": bad})
    assert list(errors) == ["/bad/"]
    assert any("“ul” not allowed as child of element “small”" in e for e in errors["/bad/"])
