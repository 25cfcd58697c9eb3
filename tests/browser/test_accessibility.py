"""Every page template, for every role, passes axe-core on a phone, and a finger can hit it.

For anonymous visitors and each demo login, a breadth-first walk in the real browser at 390×844
follows the internal links from the home page and the workspace and runs axe-core (WCAG 2.1
A/AA, which GB/T 37668 follows, and axe's best practices) on the first page of every URL pattern
(the patterns of tests/crawler.py; a pattern one role already checked is not checked again by
the next, except each role's workspace and home page). Serious and critical violations fail.
English is walked for anonymous visitors and, for each login, from the workspace a few pages
deep. A few states the walks do not reach are checked too: the 404 page, a roll call with a child
marked late (on every roll call walked), a cancelled session's card, a refused form with its
message, an objection as the organizers read it.

The phone's small links (language switch, logout, footer, breadcrumb, downloads) are at least
44 px tall, and the section menu fits the screen in both languages.
"""

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from core.demo import DEMO_LOGINS
from tests.browser.conftest import OUTPUT, PHONE, log_in
from tests.crawler import SKIP_PARTS, SKIP_PREFIXES, is_file, language_of, pattern_of
from tests.validators import axe_source, axe_violations

ROLES = [None, *DEMO_LOGINS]
# Pages checked per role and language: enough for every template the role reaches.
ZH_LIMIT, EN_LIMIT = 60, 12
TAP = 44
# Patterns (tests/crawler.py) every walk together must check in Chinese, as regular
# expressions (the demo names its contests by year).
REQUIRED = (
    r"/",
    r"/academy/",
    r"/contests/",
    r"/heritage/",
    r"/heritage/craft-<n>/",
    r"/heritage/craft-<n>/lesson-small/",
    r"/heritage/lessons/",
    r"/academy/people/honours/",
    r"/academy/studios/",
    r"/contests/\d{4}-open/",  # with its registration form
    r"/contests/\d{4}-<n>/results-<n>/",
    r"/contests/\d{4}-notice/results-<n>/",  # with the objection form
    r"/verify/",
    r"/verify/<code>/",
    r"/accounts/login/",
    r"/workspace/",
    r"/app/heritage/my-week/",
    r"/app/heritage/sessions/<id>/",
    r"/app/heritage/sessions/<id>/roll-call/",
    r"/app/heritage/sessions/new/",
    r"/app/heritage/reports/",
    r"/app/heritage/kindergartens/<id>/",
    r"/app/heritage/classes/<id>/",
    r"/app/heritage/plan/",
    r"/app/heritage/feeds/",
    r"/app/heritage/lessons/<id>/edit/",
    r"/app/academy/my/",
    r"/app/academy/pairings/",
    r"/app/academy/pairings/<id>/",
    r"/app/academy/pairings/<id>/log/",
    r"/app/academy/entries/<id>/",
    r"/app/contests/judging/sheet/<id>/",
    r"/app/contests/manage/contest/<id>/",
    r"/app/contests/manage/event/<id>/",
)
# Patterns checked already, by any role (so a public page is checked once, not eleven times).
CHECKED = set()


def internal_links(page, language):
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    origin = urlsplit(page.url)
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.netloc != origin.netloc or parts.scheme not in ("http", "https"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith(SKIP_PREFIXES) or any(part in path for part in SKIP_PARTS):
            continue
        if is_file(parts.path) or language_of(parts.path) != language:
            continue
        found.append(path)
    return found


def walk(page, base, starts, language, limit, label, source, always=()):
    """Visit up to ``limit`` new patterns from ``starts``; axe's findings per URL."""
    problems, visited = [], 0
    queue = deque(starts)
    seen = set(starts)
    while queue and visited < limit:
        path = queue.popleft()
        pattern = (language, pattern_of(path))
        if pattern in CHECKED and path not in always:
            continue
        try:
            response = page.goto(base + path)
        except PlaywrightError as error:  # a download (?export=csv): not a page
            if "Download is starting" in str(error):
                continue
            raise
        if not response or response.status != 200:
            continue
        if not (response.headers.get("content-type") or "").startswith("text/html"):
            continue
        CHECKED.add(pattern)
        visited += 1
        late = page.locator(".status--late input:enabled")
        if late.count():  # the roll call: a child marked late, as a teacher would tap it
            late.first.dispatch_event("click")
            expect(late.first).to_be_checked()
        problems += [f"{path} [{label}]: {found}" for found in axe_violations(page, source)]
        for link in internal_links(page, language):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return problems, visited


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.mark.parametrize("username", ROLES, ids=lambda name: name or "anonymous")
def test_every_page_passes_axe(live_demo, phone_page, username):
    source = axe_source()
    if username:
        log_in(phone_page, live_demo, username)
    always = ("/", "/en/", "/workspace/", "/en/workspace/")
    problems, counts = [], []
    zh_starts = ["/workspace/", "/"] if username else ["/", "/accounts/login/", "/verify/"]
    en_starts = ["/en/workspace/"] if username else ["/en/", "/en/accounts/login/"]
    for language, starts, limit in (("zh-hans", zh_starts, ZH_LIMIT), ("en", en_starts, EN_LIMIT)):
        label = f"{username or 'anonymous'}, {language}"
        found, visited = walk(phone_page, live_demo, starts, language, limit, label, source, always)
        problems += found
        counts.append(f"{language}: {visited} pages")
    print(f"{username or 'anonymous'}: " + ", ".join(counts))
    assert not problems, "\n".join(problems)


def test_the_walks_reached_every_kind_of_page():
    """The walks above checked every page template a role reaches (run with them)."""
    if not CHECKED:
        pytest.skip("the walks of this module did not run")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    listing = "\n".join(f"{language} {pattern}" for language, pattern in sorted(CHECKED))
    (OUTPUT / "axe-pages.txt").write_text(listing + "\n", encoding="utf-8")
    chinese = [pattern for language, pattern in CHECKED if language == "zh-hans"]
    missing = [rx for rx in REQUIRED if not any(re.fullmatch(rx, p) for p in chinese)]
    assert not missing, f"not reached: {missing}\nreached:\n{listing}"


def test_states_no_link_leads_to_pass_axe(live_demo, phone_page):
    source = axe_source()
    problems = []
    for path in ("/no-such-page/", "/en/no-such-page/"):
        response = phone_page.goto(live_demo + path)
        assert response.status == 404
        problems += [f"{path}: {found}" for found in axe_violations(phone_page, source)]

    # A cancelled session's card (the demo cancels a few past sessions): back week by week.
    log_in(phone_page, live_demo, "demo-manager")
    phone_page.goto(live_demo + "/app/heritage/my-week/")
    for _week in range(30):
        if phone_page.locator(".session-card--cancelled").count():
            break
        phone_page.locator(".week-nav a").first.click()
        phone_page.wait_for_load_state()
    expect(phone_page.locator(".session-card--cancelled").first).to_be_visible()
    problems += [f"cancelled card: {found}" for found in axe_violations(phone_page, source)]
    phone_page.context.clear_cookies()

    # An objection as the organizers see it (no link in the walks' first contests leads there).
    log_in(phone_page, live_demo, "demo-organizer")
    assert open_an_objection(phone_page, live_demo), "no objection in the demo"
    problems += [f"objection: {found}" for found in axe_violations(phone_page, source)]
    phone_page.context.clear_cookies()

    # A refused form, with its message: an objection to results that are not in public notice.
    assert refuse_an_objection(phone_page, live_demo), "no results page outside its notice"
    problems += [f"refused objection: {found}" for found in axe_violations(phone_page, source)]
    assert not problems, "\n".join(problems)


def open_an_objection(page, base):
    contests = set()
    for number in (1, 2, 3):
        page.goto(base + f"/app/contests/manage/?page={number}")
        contests |= {link for link in internal_links(page, "zh-hans") if "/manage/contest/" in link}
    newest_first = sorted(contests, key=lambda link: -int(link.rstrip("/").rsplit("/", 1)[1]))
    for contest in newest_first:
        page.goto(base + contest)
        objection = page.locator("a[href*='/manage/objections/']")
        if objection.count():
            objection.first.click()
            page.wait_for_load_state()
            return True
    return False


def refuse_an_objection(page, base):
    page.goto(base + "/accounts/login/")  # sets the CSRF cookie
    page.goto(base + "/contests/")
    contests = [link for link in internal_links(page, "zh-hans") if link.count("/") == 3]
    for contest in contests[:8]:
        page.goto(base + contest)
        for results in {link for link in internal_links(page, "zh-hans") if "/results-" in link}:
            page.goto(base + results)
            if page.locator("form[action$='objection/']").count():
                continue  # in notice: the form is open
            page.evaluate(POST_OBJECTION)
            page.wait_for_load_state()
            expect(page.locator(".messages")).to_be_visible()
            return True
    return False


POST_OBJECTION = """() => {
    const form = document.createElement('form');
    form.method = 'post';
    form.action = location.pathname.replace(/\\/?$/, '/') + 'objection/';
    const token = document.cookie.match(/csrftoken=([^;]+)/);
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = 'csrfmiddlewaretoken';
    input.value = token ? token[1] : '';
    form.appendChild(input);
    document.body.appendChild(form);
    form.submit();
}"""


# ------------------------------------------------------------------ fingers on a phone

SMALL_LINKS = (
    ".language-switch a",
    ".site-tools a",
    ".site-tools .link-button",
    ".main-nav a",
    ".site-footer a",
    ".breadcrumb a",
    ".downloads a",
    ".calendar-links a",
)
# Where each kind of small link shows: (login, path).
TAP_PAGES = [
    (None, "/"),
    (None, "/en/"),
    (None, "/academy/"),
    ("demo-teacher", "/workspace/"),
    ("demo-teacher", "/app/heritage/feeds/"),
    ("demo-mentor", "/app/academy/my/"),
    ("demo-manager", "/app/academy/pairings/"),
]


def short_targets(page):
    """Visible small links shorter than 44 px: "selector 'text': height"."""
    short = []
    for selector in SMALL_LINKS:
        for link in page.locator(selector).all():
            box = link.bounding_box()
            if box and box["height"] < TAP - 0.5:
                short.append(f"{selector} {link.inner_text()!r}: {box['height']:.0f}px")
    return short


def test_small_links_are_44px_tall_on_a_phone(live_demo, phone_page):
    problems, seen = [], set()
    current = None
    for username, path in TAP_PAGES:
        if username != current:
            phone_page.context.clear_cookies()
            if username:
                log_in(phone_page, live_demo, username)
            current = username
        phone_page.goto(live_demo + path)
        expect(phone_page.locator("main")).to_be_visible()
        problems += [f"{path} [{username or 'anonymous'}]: {s}" for s in short_targets(phone_page)]
        seen.update(s for s in SMALL_LINKS if phone_page.locator(s).count())
        if username == "demo-mentor" and path.endswith("/my/"):
            pairing = phone_page.locator("main a[href*='/app/academy/pairings/']").first
            expect(pairing).to_be_attached()
            pairing.click()
            phone_page.wait_for_load_state()
            expect(phone_page.locator(".downloads a").first).to_be_visible()
            problems += [f"pairing: {s}" for s in short_targets(phone_page)]
            seen.update(s for s in SMALL_LINKS if phone_page.locator(s).count())
    assert seen == set(SMALL_LINKS), f"never shown: {set(SMALL_LINKS) - seen}"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", ["/", "/en/"])
def test_the_section_menu_fits_a_phone(live_demo, phone_page, path):
    """Every item of the section menu is on screen, whole, at 390 px (it wraps, not cuts)."""
    phone_page.goto(live_demo + path)
    links = phone_page.locator(".main-nav a")
    expect(links.first).to_be_visible()
    width = phone_page.viewport_size["width"]
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= width
    for link in links.all():
        expect(link).to_be_in_viewport(ratio=1)
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, link.inner_text()
        clipped = link.evaluate("a => a.scrollWidth > a.clientWidth")
        assert not clipped, f"{link.inner_text()!r} is cut"


def test_axe_reports_serious_violations(phone_page):
    phone_page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main><h1>t</h1>'
        '<p style="color:#aaa;background:#fff">faint</p>'
        '<div role="status"><li>loose</li></div></main></body></html>'
    )
    found = "\n".join(axe_violations(phone_page))
    assert "color-contrast (serious)" in found and "listitem (serious)" in found
