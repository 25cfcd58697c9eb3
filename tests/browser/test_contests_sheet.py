"""The judge's sheet on a phone and a tablet (issue 15): nothing cut off, the criteria header
stays on screen, the subtotal follows the typing, drafts save by themselves, and the
organizer's completion grid fills without reloading.

Uses demo-judge2's sheet (no other browser test touches it)."""

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET, log_in

pytestmark = pytest.mark.browser

# Every element whose box reaches past the viewport, unless an ancestor scrolls it.
OVERFLOW = """() => {
    const width = window.innerWidth;
    const scrolls = (el) => {
        for (let p = el.parentElement; p; p = p.parentElement) {
            const o = getComputedStyle(p).overflowX;
            if ((o === 'auto' || o === 'scroll') && p !== document.documentElement
                && p !== document.body) return true;
        }
        return false;
    };
    const out = [];
    for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || getComputedStyle(el).visibility === 'hidden') continue;
        if ((r.right > width + 1 || r.left < -1) && !scrolls(el)
            && !el.closest('.visually-hidden, .skip-link, .honeypot')) {
            out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.left) + '..'
                     + Math.round(r.right));
        }
    }
    return {out: out, page: document.documentElement.scrollWidth};
}"""


def open_sheet(page, base):
    log_in(page, base, "demo-judge2")
    page.goto(f"{base}/app/contests/judging/")
    page.locator("a[href*='/judging/sheet/']").first.click()
    expect(page.locator("table.sheet-grid")).to_be_visible()


def expected_subtotal(row, values):
    weights = [Decimal(w) for w in row.locator("input").evaluate_all(
        "inputs => inputs.map(i => i.dataset.weight)"
    )]  # fmt: skip
    total = sum((Decimal(v) * w for v, w in zip(values, weights, strict=False)), Decimal(0))
    return str(total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["phone", "tablet"])
def test_the_sheet_fits_keeps_its_header_and_shows_the_last_column(
    live_demo, browser, viewport, screenshot
):
    context = browser.new_context(viewport=viewport, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        open_sheet(page, live_demo)
        measured = page.evaluate(OVERFLOW)
        assert measured["out"] == [], measured["out"][:5]
        assert measured["page"] <= viewport["width"]
        # The box scrolls: at its right end the last column (the subtotal) is wholly inside it.
        box = page.locator(".sheet-wrap")
        assert box.get_attribute("role") == "region" and box.get_attribute("aria-label")
        inside = box.evaluate(
            """(box) => {
                box.scrollLeft = box.scrollWidth;
                const last = box.querySelector('thead th:last-child').getBoundingClientRect();
                const frame = box.getBoundingClientRect();
                return last.left >= frame.left - 1 && last.right <= frame.right + 1;
            }"""
        )
        assert inside
        # Scrolled to the sheet and down to its last row, the criteria header is still on
        # screen, and so is the last row above the bar of buttons; where the box scrolls, the
        # header sits at the box's top.
        head = box.evaluate(
            """(box) => {
                box.scrollIntoView({block: 'start'});
                box.scrollLeft = 0;
                box.scrollTop = box.scrollHeight;
                const head = box.querySelector('thead th:nth-child(2)').getBoundingClientRect();
                const last = box.querySelector('tbody tr:last-child').getBoundingClientRect();
                return {offset: head.top - box.getBoundingClientRect().top,
                        scrolled: box.scrollTop, top: head.top, bottom: head.bottom,
                        lastBottom: last.bottom};
            }"""
        )
        assert 0 <= head["top"] and head["bottom"] <= viewport["height"], head
        bar = page.locator(".sheet-bar").bounding_box()
        assert head["lastBottom"] <= bar["y"] + 1 and bar["y"] + bar["height"] <= viewport["height"]
        if head["scrolled"]:
            assert abs(head["offset"]) <= 2, head
        screenshot(page, f"sheet-{viewport['width']}")
    finally:
        context.close()


def test_subtotal_follows_typing_and_the_draft_saves_by_itself(live_demo, browser, screenshot):
    organizer_context = browser.new_context(viewport={"width": 1280, "height": 900})
    organizer = organizer_context.new_page()
    judge_context = browser.new_context(viewport=TABLET, locale="en-US")
    judge = judge_context.new_page()
    judge.set_default_timeout(15_000)
    try:
        open_sheet(judge, live_demo)
        sheet_url = judge.url
        # The fourth entrant: the demo judge has scored the first three only.
        row = judge.locator("tr[data-row]").nth(3)
        bib = row.locator("th.entrant").inner_text().split()[0]
        event_title = judge.locator("h1").inner_text().split(" · ")[-1]

        log_in(organizer, live_demo, "demo-organizer")
        organizer.goto(f"{live_demo}/app/contests/manage/")
        for link in organizer.locator("a[href*='/manage/contest/']").all():
            organizer.goto(live_demo + link.get_attribute("href"))
            event_link = organizer.get_by_role("link", name=event_title, exact=True)
            if event_link.count():
                event_link.first.click()
                break
            organizer.go_back()
        grid = organizer.locator("#completion-grid")
        grid_row = grid.locator("tbody tr", has=organizer.locator(f"th:text-is('{bib}')"))
        expect(grid_row.locator("td.state--empty").first).to_be_visible()
        empty_before = grid_row.locator("td.state--empty").count()

        inputs = row.locator("input")
        values = ["81.5", "7.25", "9"][: inputs.count()]
        for i, value in enumerate(values):
            inputs.nth(i).fill(value)
        expect(row.locator("[data-subtotal]")).to_have_text(expected_subtotal(row, values))
        unsaved = judge.evaluate(
            """() => {
                const e = new Event('beforeunload', {cancelable: true});
                window.dispatchEvent(e);
                return e.defaultPrevented;
            }"""
        )
        assert unsaved, "leaving with unsaved changes should warn"
        status = judge.locator("[data-autosave-status]")
        expect(status).to_have_text(re.compile(r"(Draft saved at|草稿已于) \d\d:\d\d"))
        saved = judge.evaluate(
            """() => {
                const e = new Event('beforeunload', {cancelable: true});
                window.dispatchEvent(e);
                return e.defaultPrevented;
            }"""
        )
        assert not saved, "nothing left unsaved: no warning"
        screenshot(judge, "autosaved")
        judge.goto(sheet_url)
        row = judge.locator("tr[data-row]").nth(3)
        shown = row.locator("input").evaluate_all("inputs => inputs.map(i => i.value)")
        assert [Decimal(v) for v in shown[: len(values)]] == [Decimal(v) for v in values]
        expect(row.locator("[data-subtotal]")).to_have_text(expected_subtotal(row, values))

        # The organizer's grid, left open, shows the draft within its 15-second refresh.
        expect(grid_row.locator("td.state--empty")).to_have_count(empty_before - 1, timeout=25_000)
        expect(grid_row.locator("td.state--draft").first).to_be_visible()
        screenshot(organizer, "completion-grid")
    finally:
        judge_context.close()
        organizer_context.close()
