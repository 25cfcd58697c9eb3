"""A craftsman drafts a lesson on a phone; a manager finds it awaiting review in the admin."""

import io
import re
import time

from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import log_in


def test_craftsman_drafts_a_lesson_and_a_manager_sees_it_awaiting_review(
    live_demo, phone, screenshot, tmp_path
):
    title = f"扎染小方巾 {int(time.time())}"
    picture = tmp_path / "step.png"
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 70, 160)).save(buffer, format="PNG")
    picture.write_bytes(buffer.getvalue())
    not_a_picture = tmp_path / "notes.png"
    not_a_picture.write_bytes(b"these are notes, not a picture")

    log_in(phone, live_demo, "demo-craftsman")
    phone.goto(live_demo + "/en/workspace/")
    phone.get_by_role("link", name=re.compile("My lessons")).click()
    assert phone.locator(".lesson-row").count() >= 3
    phone.get_by_role("link", name="Draft a new lesson").first.click()

    phone.fill("input[name=title]", title)
    phone.select_option("select[name=age_band]", "middle")
    phone.fill("input[name=duration_minutes]", "35")
    phone.fill("textarea[name=goals]", "认识皮筋扎法\n完成一块小方巾")
    phone.fill("textarea[name=materials]", "白方巾\n皮筋\n蓝色染料")
    phone.fill("textarea[name=safety_notes]", "染料不入口，戴手套。")
    phone.fill("input[name='steps-0-title']", "扎一扎")
    phone.fill("textarea[name='steps-0-text']", "把方巾捏成小揪揪\n用皮筋扎紧")
    phone.set_input_files("input[name='steps-0-image']", str(not_a_picture))
    phone.get_by_role("button", name="Add a step").click()
    phone.fill("input[name='steps-1-title']", "染一染")
    phone.fill("textarea[name='steps-1-text']", "放进染缸，数到二十再拿出来")
    phone.fill("input[name=tags]", "扎染，中班")
    phone.get_by_role("button", name="Save and send for review").click()

    # Not a picture: refused beside the step, nothing saved.
    assert "Upload a valid image" in phone.locator(".step-form .error").first.inner_text()
    screenshot(phone, "refused-picture")
    phone.set_input_files("input[name='steps-0-image']", str(picture))
    phone.get_by_role("button", name="Save and send for review").click()
    assert "sent to a manager for review" in phone.locator(".messages").inner_text()
    row = phone.locator(".lesson-row", has_text=title)
    assert "Awaiting a manager's review" in row.inner_text()
    screenshot(phone, "my-lessons")
    row.get_by_role("link", name="Preview the draft").click()
    assert phone.locator(".lesson-step").count() == 2
    assert phone.locator(".lesson-step img").count() == 1
    phone.wait_for_function(
        "() => { const i = document.querySelector('.lesson-step img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    screenshot(phone, "preview")

    # Not on the public site yet.
    phone.context.clear_cookies()
    phone.goto(live_demo + "/en/heritage/")
    phone.locator(".craft-card", has_text="蓝印扎染").click()
    assert title not in phone.locator("main").inner_text()

    log_in(phone, live_demo, "demo-manager")
    phone.goto(live_demo + "/admin/")
    row = phone.locator("tr", has_text=title)
    expect(row).to_be_visible()
    screenshot(phone, "manager-dashboard")

    # The manager approves it from the dashboard: the lesson is published.
    row.locator(".w-dropdown__toggle").click()
    phone.locator("button, a").filter(has_text=re.compile(r"^\s*(Approve|批准)\s*$")).first.click()
    phone.wait_for_load_state()
    phone.context.clear_cookies()
    phone.goto(live_demo + "/en/heritage/")
    phone.locator(".craft-card", has_text="蓝印扎染").click()
    phone.get_by_role("link", name=title).click()
    assert phone.locator(".lesson-step").count() == 2
    screenshot(phone, "published")
