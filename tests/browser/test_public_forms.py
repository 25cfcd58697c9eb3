"""Three fresh browsers in a row register for a contest and send an objection.

Each is a new browser context (no cookie, nothing shared), as three people on three phones
would be; the first visitor's page is in the page cache by the time the others arrive.
"""

import re

import pytest

pytestmark = pytest.mark.browser


def new_visitor(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_three_fresh_browsers_register_and_send_objections(live_demo, browser, screenshot):
    for number in range(1, 4):
        context, page = new_visitor(browser)
        try:
            page.goto(f"{live_demo}/contests/")
            page.get_by_role("link", name=re.compile("茶艺师技能竞赛")).first.click()
            page.get_by_role("link", name="报名", exact=True).click()
            chosen = page.locator("select[name=event] option:checked").inner_text()
            assert "茶艺表演" in chosen  # the contest's only event is chosen already
            page.fill("input[name=name]", f"访客{number}号")
            page.fill("input[name=unit]", "江口街道某茶室")
            page.fill("input[name=phone]", f"1370000000{number}")
            page.get_by_role("button", name="报名").click()
            page.wait_for_load_state()
            assert "CSRF" not in page.content()
            message = page.locator(".messages").inner_text()
            assert "已报名 茶艺表演" in message and "您的编号是" in message

            page.goto(f"{live_demo}/contests/")
            page.get_by_role("link", name=re.compile("汽车维修工技能竞赛")).first.click()
            page.get_by_role("link", name=re.compile("机电维修")).first.click()
            page.fill("input[name=name]", f"访客{number}号")
            page.fill("input[name=contact]", f"1390000000{number}")
            page.fill("textarea[name=message]", "请复核第一名的实操分。")
            page.get_by_role("button", name="提交").click()
            page.wait_for_load_state()
            assert "CSRF" not in page.content()
            assert "您的异议已提交" in page.locator(".messages").inner_text()
            screenshot(page, f"visitor-{number}")
        finally:
            context.close()
