"""On a phone: type a word in the header's search box and read the grouped results."""

import re

from playwright.sync_api import expect


def test_search_from_the_header_on_a_phone(live_demo, phone, screenshot):
    phone.goto(live_demo + "/heritage/")
    box = phone.locator("header form[role=search] input[name=q]")
    expect(box).to_be_visible()
    # the header fits the phone's width: nothing pushed off screen
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    form = phone.locator("header form[role=search]").bounding_box()
    assert form["height"] <= 48 and form["x"] + form["width"] <= 390  # one slim row
    screenshot(phone, "header")

    box.fill("扎染")
    box.press("Enter")
    phone.wait_for_url(re.compile(r"/search/\?q="))
    expect(phone.get_by_role("heading", level=1, name="站内搜索")).to_be_visible()
    lessons = phone.locator("section.search-group", has=phone.get_by_role("heading", name="课例"))
    crafts = phone.locator(
        "section.search-group", has=phone.get_by_role("heading", name="非遗项目")
    )
    expect(lessons).to_be_visible()
    expect(crafts).to_be_visible()
    expect(lessons.get_by_role("link", name="扎染初体验")).to_be_visible()
    expect(lessons.locator("mark").first).to_have_text("扎染")
    expect(crafts.get_by_role("link", name="蓝印扎染")).to_be_visible()
    expect(phone.locator("main input[name=q]")).to_have_value("扎染")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "results")

    crafts.get_by_role("link", name="蓝印扎染").click()
    expect(phone.get_by_role("heading", level=1, name="蓝印扎染")).to_be_visible()
