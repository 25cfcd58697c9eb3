"""A mentor corrects an entry on a phone: ratings kept, one photo removed after asking."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import log_in


@pytest.fixture
def photos(tmp_path):
    paths = []
    for n, color in enumerate([(160, 60, 40), (40, 90, 160)]):
        path = tmp_path / f"work-{n}.jpg"
        buffer = io.BytesIO()
        Image.new("RGB", (640, 480), color).save(buffer, format="JPEG")
        path.write_bytes(buffer.getvalue())
        paths.append(str(path))
    return paths


def test_mentor_edits_an_entry_and_removes_one_photo(live_demo, phone, screenshot, photos):
    log_in(phone, live_demo, "demo-mentor")
    phone.goto(live_demo + "/app/academy/my/")
    # A pairing far from its target, so that other scenarios' progress is not disturbed.
    card = phone.locator(".pairing-card", has_text="贾懿志")
    expect(card.locator(".progress")).to_be_visible()
    expect(card.locator(".flag", has_text="待确认")).to_be_visible()
    screenshot(phone, "cards")
    card.get_by_role("link", name="记录带徒").click()
    phone.fill("input[name=hours]", "0.5")
    phone.fill("input[name=skills]", "接线")
    phone.locator("select[name^=competency_]").first.select_option("2")
    phone.fill("textarea[name=notes]", "改正前的记录")
    phone.set_input_files("input[name=photos]", photos)
    phone.get_by_role("button", name="保存记录").click()
    phone.wait_for_url(re.compile(r"/app/academy/pairings/\d+/$"))

    phone.locator(".entry", has_text="改正前的记录").locator("a").first.click()
    phone.get_by_role("link", name="修改").click()
    assert phone.locator("select[name^=competency_]").first.input_value() == "2"
    assert phone.locator(".photo-list img").count() == 2
    screenshot(phone, "edit")

    phone.locator(".photo-list").get_by_role("link", name="移除").first.click()
    assert "记录及其他照片将保留" in phone.locator("main").inner_text()
    screenshot(phone, "remove")
    phone.get_by_role("button", name="移除照片").click()
    assert "照片已从该记录中移除" in phone.locator(".messages").inner_text()
    assert phone.locator(".photo-list img").count() == 1

    phone.fill("textarea[name=notes]", "改正后的记录")
    phone.get_by_role("button", name="保存记录").click()
    phone.wait_for_url(re.compile(r"/app/academy/pairings/\d+/$"))
    phone.locator(".entry", has_text="改正后的记录").locator("a").first.click()
    main = phone.locator("main").inner_text()
    assert "练习中" in main  # the rating was kept through the edit
    assert phone.locator(".gallery img").count() == 1
    screenshot(phone, "after")


def test_a_judge_finds_no_academy_workspace(live_demo, phone):
    log_in(phone, live_demo, "demo-judge")
    phone.goto(live_demo + "/workspace/")
    assert phone.locator("a[href*='/app/academy/']").count() == 0
    response = phone.goto(live_demo + "/app/academy/my/")
    assert response.status == 403
