"""The pages still work under the Content-Security-Policy, and the browser refuses nothing.

Every page answer carries a strict policy (no inline script, handler or style). Chromium
reports anything it refuses on the console ("Refused to execute inline script because it
violates the following Content Security Policy directive..."); the pages a visitor, a teacher
and a mentor open are walked with the console watched, and what their scripts do is checked
(the roll call's counts, the report's chart, the copy button, the pairing's charts).
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


class Console:
    """What the browser said while the page was open: CSP refusals and script errors."""

    def __init__(self, page):
        self.problems = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))
        self.page = page

    def _console(self, message):
        text = message.text
        # Chromium's own favicon.ico request (404) is no script's business.
        if "Content Security Policy" in text or (
            message.type == "error" and not text.startswith("Failed to load resource")
        ):
            self.problems.append(f"{self.page.url}: [{message.type}] {text}")

    def assert_clean(self):
        csp = [problem for problem in self.problems if "Content Security Policy" in problem]
        assert not csp, "\n".join(csp)
        assert not self.problems, "\n".join(self.problems)


def test_public_pages_run_under_the_policy(live_demo, phone, screenshot):
    console = Console(phone)
    response = phone.goto(live_demo + "/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    phone.goto(live_demo + "/heritage/lessons/")
    phone.locator("main a[href^='/heritage/'][href$='/']").filter(
        has_text=re.compile(r"\S")
    ).last.click()
    phone.wait_for_load_state()
    lesson_path = re.sub(r"^https?://[^/]+", "", phone.url)
    phone.goto(live_demo + "/en" + lesson_path + "print/")
    phone.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    phone.get_by_role("button", name="Print").click()
    assert phone.locator("body").get_attribute("data-printed") == "yes"
    phone.goto(live_demo + "/contests/")
    phone.get_by_role("link", name=re.compile("茶艺师技能竞赛")).first.click()
    phone.get_by_role("link", name="报名", exact=True).click()
    # The honeypot is off screen; the people's fields are on it.
    box = phone.locator("input[name=remarks]").bounding_box()
    assert box["x"] + box["width"] <= 0
    assert phone.locator("input[name=name]").bounding_box()["x"] >= 0
    screenshot(phone, "registration")
    console.assert_clean()


def test_teacher_pages_scripts_run_under_the_policy(live_demo, phone, screenshot):
    console = Console(phone)
    log_in(phone, live_demo, "demo-teacher")
    phone.goto(live_demo + "/en/app/heritage/my-week/")
    phone.get_by_role("link", name=re.compile("Previous week")).click()
    phone.locator(".session-card a[href*=roll-call]").first.click()
    summary = phone.locator("[data-summary]")
    expect(summary).to_have_text(re.compile(r"Present \d+"))  # the script wrote the counts
    absent = phone.locator(".roll-row label.status--absent").first
    absent.click()
    expect(summary).to_have_text(re.compile(r"Absent [1-9]"))
    phone.get_by_role("button", name="All present").click()
    expect(summary).to_have_text(re.compile(r"Absent 0"))
    screenshot(phone, "roll-call")

    phone.goto(live_demo + "/en/app/heritage/reports/?by=kindergarten")
    phone.locator("#rate-chart canvas").first.wait_for()
    assert phone.locator("#rate-chart").bounding_box()["height"] >= 220
    screenshot(phone, "report-chart")

    phone.goto(live_demo + "/en/app/heritage/feeds/")
    expect(phone.get_by_role("button", name="Copy the address").first).to_be_visible()
    phone.locator(".feed-url").first.click()
    assert phone.evaluate("window.getSelection().toString() || document.activeElement.selectionEnd")
    # Revoking asks first; "Cancel" sends nothing.
    phone.once("dialog", lambda dialog: dialog.dismiss())
    before = phone.locator(".feed-url").first.input_value()
    phone.get_by_role("button", name="Revoke and make a new address").first.click()
    assert phone.locator(".feed-url").first.input_value() == before
    console.assert_clean()


def test_pairing_charts_draw_under_the_policy(live_demo, phone, screenshot):
    console = Console(phone)
    log_in(phone, live_demo, "demo-mentor")
    phone.goto(live_demo + "/app/academy/my/")
    phone.locator(".pairing-card__title").first.click()
    phone.wait_for_url(re.compile(r"/app/academy/pairings/\d+/$"))
    chart = phone.locator("#hours-chart canvas").first
    chart.wait_for()
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    # Hovering shows the tooltips, which ECharts draws as HTML with style attributes unless
    # told to draw them on the canvas (academy/static/academy/progress_charts.js).
    for across in (0.3, 0.5, 0.7):
        phone.mouse.move(box["x"] + box["width"] * across, box["y"] + box["height"] * 0.5)
        phone.wait_for_timeout(200)
    phone.locator("#skills-chart canvas").first.wait_for()
    assert phone.locator(".progress__bar").first.get_attribute("width")
    screenshot(phone, "pairing-charts")
    console.assert_clean()


def test_admin_runs_under_its_own_policy(live_demo, tablet):
    console = Console(tablet)
    log_in(tablet, live_demo, "demo-manager")
    response = tablet.goto(live_demo + "/admin/")
    assert "'unsafe-inline'" in response.headers["content-security-policy"]
    tablet.goto(live_demo + "/admin/pages/")
    tablet.locator("a[href*='/admin/pages/'][href$='/edit/']").first.click()
    tablet.wait_for_load_state("networkidle")
    console.assert_clean()
