"""Blind judging in a browser: the organizer sets up a blind event and draws the secret codes,
then a judge opens the sheet on a phone and sees the codes only.

Uses an event of its own (盲评花式面点, added to the contest under way) judged by demo-judge
alone, so the other browser tests' events and sheets are untouched."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, log_in

pytestmark = pytest.mark.browser

EVENT = "盲评花式面点"
ENTRANTS = [("M901", "盲评选手甲", "盲评单位甲厂"), ("M902", "盲评选手乙", "盲评单位乙厂")]
CODE = re.compile(r"^[A-HJ-NP-Z]\d\d$")


def set_up_blind_event(page, base):
    """As demo-organizer: a new event that hides names, one criterion, two entrants, one
    judge (demo-judge); returns the event page's URL."""
    log_in(page, base, "demo-organizer")
    page.goto(f"{base}/app/contests/manage/")
    page.get_by_role("link", name=re.compile("中式面点师技能竞赛")).first.click()
    page.locator("input[name=event-name]").fill(EVENT)
    page.locator("select[name=event-rule]").select_option("mean")
    page.get_by_role("button", name="添加项目").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(EVENT)
    event_url = page.url
    page.get_by_role("link", name="评分方案").first.click()
    page.locator("input[name=event-hide_names]").check()
    page.locator("input[name=criteria-0-name]").first.fill("造型")
    page.locator("input[name=criteria-0-maximum]").first.fill("100")
    page.locator("input[name=criteria-0-weight]").first.fill("1")
    page.get_by_role("button", name="保存评分方案").click()
    page.goto(event_url)
    page.get_by_role("link", name=re.compile(r"选手 \(0\)")).click()
    for bib, name, unit in ENTRANTS:
        page.locator("input[name=bib]").fill(bib)
        page.locator("input[name=name]").fill(name)
        page.locator("input[name=unit]").fill(unit)
        page.get_by_role("button", name="添加", exact=True).click()
        expect(page.get_by_text(name).first).to_be_visible()
    page.goto(event_url)
    if not page.locator("input[name=judges]").first.is_visible():
        page.get_by_text("分配评委", exact=True).click()
    page.get_by_label("葛明衡").check()
    page.get_by_role("button", name="保存评委").click()
    expect(page.get_by_text("评委已保存：共 1 位")).to_be_visible()
    return event_url


def test_the_organizer_draws_codes_and_the_judge_sees_only_codes_on_a_phone(
    live_demo, browser, tablet, screenshot
):
    page = tablet
    event_url = set_up_blind_event(page, live_demo)
    expect(page.get_by_text("还没有抽签：抽签之前").first).to_be_visible()
    page.get_by_role("button", name="抽签", exact=True).click()
    expect(page.get_by_text("已抽取 2 个抽签号：评委只能看到抽签号。")).to_be_visible()
    screenshot(page, "codes-drawn")
    # the sealed table warns before it opens
    page.get_by_role("link", name="密封的抽签对照表").click()
    expect(page.locator("[data-sealed-warning]")).to_contain_text("每次打开都会记入项目历史")
    assert ENTRANTS[0][1] not in page.content()
    page.get_by_role("button", name="打开密封的对照表").click()
    expect(page.get_by_text(ENTRANTS[0][1]).first).to_be_visible()
    expect(page.get_by_text("密封的抽签对照表已被打开").first).to_be_visible()
    codes = {
        cells[1]: cells[0]
        for cells in page.locator("table tbody tr").evaluate_all(
            "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))"
        )
    }
    assert set(codes) == {bib for bib, _n, _u in ENTRANTS}
    assert all(CODE.match(code) for code in codes.values())
    page.goto(event_url)

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    try:
        log_in(phone, live_demo, "demo-judge")
        phone.goto(f"{live_demo}/app/contests/judging/")
        phone.get_by_role("link", name=re.compile(EVENT)).click()
        expect(phone.locator("table.sheet-grid")).to_be_visible()
        shown = phone.locator("table.sheet-grid tbody th.entrant").all_inner_texts()
        assert sorted(shown) == sorted(codes.values())
        html = phone.content()
        for bib, name, unit in ENTRANTS:
            assert bib not in html and name not in html and unit not in html
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        # a score saves by itself, and the background answer names no entrant either
        with phone.expect_response(lambda r: r.request.method == "POST") as saved:
            phone.locator("table.sheet-grid input").first.fill("88")
            phone.locator("table.sheet-grid input").first.blur()
        body = saved.value.body().decode()
        assert saved.value.status == 200
        assert not any(bib in body or name in body for bib, name, _u in ENTRANTS)
        expect(phone.locator("[data-autosave-status]")).to_contain_text("保存")
        screenshot(phone, "judge-sees-codes")
    finally:
        context.close()
