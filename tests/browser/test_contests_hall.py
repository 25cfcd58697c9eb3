"""Contest day in a browser: the organizer sets up an event of their own (so no other test's
sheet is touched), prints its check-in sheet, opens a hall board on a 1920×1080 screen, and
the board follows a judge's draft and submission without being reloaded; revoking the link
empties the screen."""

import re
import subprocess

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_content_security_policy import Console

pytestmark = pytest.mark.browser

EVENT = "看板演示项目"
ENTRANTS = [("林一帆", "溪口镇某机械厂"), ("周可欣", "江口街道某模具厂")]


def set_up_event(page, base):
    """A new event in the contest under way: one criterion, two entrants, demo-judge."""
    page.goto(f"{base}/en/app/contests/manage/")
    page.get_by_role("link", name=re.compile("中式面点师")).first.click()
    page.fill("input[name=event-name]", EVENT)
    page.select_option("select[name=event-rule]", "mean")
    page.get_by_role("button", name="Add event").click()
    expect(page.locator("h1")).to_contain_text(EVENT)
    event_url = page.url.split("#")[0].split("?")[0]
    page.get_by_role("link", name="Marking scheme").first.click()
    page.fill("input[name=criteria-0-name]", "实操")
    page.fill("input[name=criteria-0-maximum]", "100")
    page.fill("input[name=criteria-0-weight]", "1")
    page.get_by_role("button", name="Save the scheme").click()
    expect(page.get_by_text("Marking scheme saved.")).to_be_visible()
    page.goto(event_url)
    page.get_by_role("link", name=re.compile(r"^Entrants \(")).click()
    for name, unit in ENTRANTS:
        page.fill("input[name=name]", name)
        page.fill("input[name=unit]", unit)
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.get_by_text(f"{name} added as number")).to_be_visible()
    page.goto(event_url)
    box = page.get_by_label("葛明衡")
    if not box.is_visible():
        page.get_by_text("Assign judges", exact=True).click()
    box.check()
    page.get_by_role("button", name="Save judges").click()
    expect(page.get_by_text("Judges saved: 1 assigned.")).to_be_visible()
    return event_url


def test_check_in_sheet_prints_and_the_board_follows_the_judge_live(
    live_demo, browser, screenshot, tmp_path
):
    organizer_context = browser.new_context(viewport={"width": 1280, "height": 900})
    organizer = organizer_context.new_page()
    organizer.set_default_timeout(15_000)
    screen_context = browser.new_context(viewport={"width": 1920, "height": 1080})
    screen = screen_context.new_page()
    screen.set_default_timeout(15_000)
    judge_context = browser.new_context(viewport={"width": 820, "height": 1180}, locale="en-US")
    judge = judge_context.new_page()
    judge.set_default_timeout(15_000)
    try:
        log_in(organizer, live_demo, "demo-organizer")
        event_url = set_up_event(organizer, live_demo)

        # The check-in sheet, from the event page, printed to PDF with Chinese headers.
        organizer.get_by_role("link", name="Printable check-in sheet").first.click()
        expect(organizer.get_by_text("Check-in sheet").first).to_be_visible()
        chinese = organizer.url.replace("/en/", "/", 1)
        organizer.goto(chinese)
        pdf = tmp_path / "check-in.pdf"
        organizer.pdf(path=str(pdf), format="A4")
        text = subprocess.run(  # noqa: S603
            ["/usr/bin/pdftotext", "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for name, _unit in ENTRANTS:
            assert name in text
        for header in ("编号", "姓名", "单位", "工位", "签名"):
            assert header in text, header
        assert "我的工作台" not in text  # the site's header and breadcrumb are not printed

        # A board link for the venue's screen, with the standings allowed.
        organizer.goto(event_url)
        organizer.fill("input[name=label]", "大厅主屏")
        organizer.check("input[name=show_standings]")
        organizer.get_by_role("button", name="Create the link").click()
        expect(organizer.get_by_text("Hall board link created")).to_be_visible()
        board_url = organizer.locator("#hall input[readonly]").first.input_value()

        console = Console(screen)
        screen.goto(board_url)
        tiles = screen.locator(".tile")
        expect(tiles).to_have_count(2)
        expect(screen.locator("[data-done]")).to_have_text("0")
        assert (
            screen.locator(".tile-bib").first.evaluate(
                "el => parseFloat(getComputedStyle(el).fontSize)"
            )
            >= 48
        )  # readable from the back of the hall
        screen.evaluate("window.notReloaded = true")
        screenshot(screen, "board-before")

        # The judge scores the first entrant as a draft: the board shows them done.
        log_in(judge, live_demo, "demo-judge")
        judge.goto(f"{live_demo}/en/app/contests/judging/")
        judge.get_by_role("link", name=re.compile(EVENT)).first.click()
        rows = judge.locator("tr[data-row]")
        expect(rows).to_have_count(2)
        rows.nth(0).locator("input").first.fill("88")
        judge.get_by_role("button", name="Save draft").click()
        expect(judge.get_by_text(re.compile("Draft saved"))).to_be_visible()
        expect(screen.locator("[data-done]")).to_have_text("1", timeout=25_000)
        expect(tiles.first).to_have_class(re.compile("tile--done"))
        expect(tiles.nth(1)).not_to_have_class(re.compile("tile--done"))

        # The second entrant, and the sheet submitted: both done, standings in order.
        judge.locator("tr[data-row]").nth(1).locator("input").first.fill("91")
        judge.once("dialog", lambda dialog: dialog.accept())
        judge.get_by_role("button", name="Submit sheet").click()
        expect(judge.get_by_text("Sheet submitted")).to_be_visible()
        expect(screen.locator("[data-done]")).to_have_text("2", timeout=25_000)
        standings = screen.locator(".hall-standings tbody tr")
        expect(standings).to_have_count(2)
        expect(standings.first).to_contain_text(ENTRANTS[1][0])
        assert screen.evaluate("window.notReloaded === true")
        screenshot(screen, "board-after")
        console.assert_clean()

        # Revoked: the screen says so at its next refresh, and the link answers 404.
        organizer.goto(event_url)
        organizer.locator("#hall").get_by_role("button", name="Revoke").click()
        expect(organizer.get_by_text("Board link revoked")).to_be_visible()
        expect(screen.locator("#board")).to_have_attribute("data-state", "revoked", timeout=25_000)
        assert screen_context.request.get(board_url).status == 404
    finally:
        judge_context.close()
        screen_context.close()
        organizer_context.close()
