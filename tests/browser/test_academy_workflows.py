"""The academy's "Done when" scenarios, as a real user would do them in a browser."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import log_in


@pytest.fixture
def photo_file(tmp_path):
    path = tmp_path / "session.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (120, 90, 60)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def _progress(page):
    return int(page.locator(".progress[aria-valuenow]").first.get_attribute("aria-valuenow"))


def test_mentor_logs_a_session_with_a_photo_on_a_phone(live_demo, phone, screenshot, photo_file):
    log_in(phone, live_demo, "demo-mentor")
    phone.goto(live_demo + "/workspace/")
    phone.get_by_role("link", name=re.compile("我的徒弟")).click()
    phone.wait_for_url(re.compile(r"/app/academy/my/"))
    screenshot(phone, "dashboard")
    phone.locator(".pairing-card", has_text="毛小川").locator(".pairing-card__title").click()
    phone.wait_for_url(re.compile(r"/app/academy/pairings/\d+/$"))
    before = phone.locator(".progress__text").first.inner_text()
    percent_before = _progress(phone)

    phone.get_by_role("link", name="记录带徒").first.click()
    phone.fill("input[name=hours]", "6")
    phone.fill("input[name=skills]", "排料, 裁剪")
    phone.locator("select[name^=competency_]").first.select_option("2")
    phone.fill("textarea[name=notes]", "手机上记录的一次带徒")
    phone.set_input_files("input[name=photos]", str(photo_file))
    screenshot(phone, "entry-form")
    phone.get_by_role("button", name="保存记录").click()
    phone.wait_for_url(re.compile(r"/app/academy/pairings/\d+/$"))
    assert "已保存" in phone.locator(".messages").inner_text()
    after = phone.locator(".progress__text").first.inner_text()
    assert after != before
    assert _progress(phone) > percent_before
    thumb = phone.locator(".entry img").first
    thumb.scroll_into_view_if_needed()
    phone.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )
    photo_url = thumb.get_attribute("src")
    served = phone.request.get(live_demo + photo_url)
    assert served.status == 200 and served.headers["content-type"].startswith("image/")
    pairing_url = phone.url
    screenshot(phone, "progress")

    # A refused entry: over 24 hours, with the message beside the field; nothing saved.
    phone.get_by_role("link", name="记录带徒").first.click()
    phone.fill("input[name=hours]", "25")
    phone.get_by_role("button", name="保存记录").click()
    assert "学时必须大于0且不超过24" in phone.locator(".field--error").inner_text()

    # The twin mentor sees none of it.
    phone.goto(live_demo + "/")
    phone.get_by_role("button", name="退出").click()
    log_in(phone, live_demo, "demo-mentor2")
    for url in (pairing_url, live_demo + photo_url):
        response = phone.goto(url)
        assert response.status == 404, url


def test_skills_typed_with_a_chinese_keyboard_chart_separately(live_demo, phone, screenshot):
    log_in(phone, live_demo, "demo-mentor2")
    phone.goto(live_demo + "/app/academy/my/")
    phone.locator(".pairing-card__title").first.click()
    phone.wait_for_url(re.compile(r"/app/academy/pairings/\d+/$"))
    pairing_url = phone.url
    phone.get_by_role("link", name="记录带徒").first.click()
    phone.fill("input[name=hours]", "2")
    phone.fill("input[name=skills]", "打版，验片、推版")
    chip = phone.locator(".skill-suggestions button.chip").first
    suggested = chip.inner_text()
    chip.click()
    assert chip.get_attribute("aria-pressed") == "true"
    assert suggested in phone.input_value("input[name=skills]")
    screenshot(phone, "skills")
    phone.get_by_role("button", name="保存记录").click()
    phone.wait_for_url(pairing_url)
    phone.wait_for_function(
        "() => window.echarts && echarts.getInstanceByDom(document.getElementById('skills-chart'))"
    )
    labels = phone.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('skills-chart'))"
        ".getOption().yAxis[0].data"
    )
    assert {"打版", "验片", "推版", suggested} <= set(labels)
    assert not any("，" in label or "、" in label for label in labels)
    # The hours chart's axis reaches the target, so the target line shows.
    top, target = phone.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.getElementById('hours-chart'));
            const axis = chart.getModel().getComponent('yAxis').axis;
            return [axis.scale.getExtent()[1], JSON.parse(
                document.getElementById('hours-data').textContent).target];
        }"""
    )
    assert target > 0 and top >= target
    screenshot(phone, "charts")


def test_apprentice_confirms_an_entry(live_demo, phone, screenshot):
    log_in(phone, live_demo, "demo-apprentice")
    phone.goto(live_demo + "/workspace/")
    phone.get_by_role("link", name=re.compile("我的学徒培养")).click()
    assert "等待你确认" in phone.locator("main").inner_text()
    phone.locator(".pairing-card__title").first.click()
    phone.get_by_role("link", name="写心得并确认").first.click()
    phone.fill("textarea[name=reflection]", "今天学会了排料的窍门。")
    screenshot(phone, "confirm")
    phone.get_by_role("button", name="确认记录").click()
    assert "已确认并锁定" in phone.locator(".messages").inner_text()


def test_manager_completes_a_pairing_and_the_certificate_verifies(live_demo, tablet, screenshot):
    log_in(tablet, live_demo, "demo-manager")
    tablet.goto(live_demo + "/workspace/")
    tablet.get_by_role("link", name=re.compile("全部结对")).click()
    tablet.check("input[name=ready]")
    tablet.get_by_role("button", name="筛选").click()
    screenshot(tablet, "manager-ready")
    tablet.locator("tbody tr a").first.click()
    tablet.get_by_role("link", name="确认出师并颁发证书").click()
    tablet.get_by_role("button", name="确认出师并颁发证书").click()
    message = tablet.locator(".messages").inner_text()
    code = re.search(r"证书([A-Z0-9]{10})", message).group(1)
    assert "已出师" in tablet.locator("main").inner_text()

    tablet.goto(live_demo + "/")
    tablet.get_by_role("link", name="证书查验").first.click()
    tablet.fill("input[name=code]", code)
    tablet.locator("main form button[type=submit]").click()
    assert f"/verify/{code}/" in tablet.url
    expect(tablet.locator(".verdict--valid")).to_be_visible()
    screenshot(tablet, "verified")


def test_public_browses_structure_studios_honours_and_craftsmen(live_demo, phone, screenshot):
    phone.goto(live_demo + "/")
    phone.click(".main-nav a >> text=劳模工匠学院")
    assert "“1+3+N”一览" in phone.locator("main").inner_text()
    screenshot(phone, "academy")
    phone.locator(".structure__three a.task").nth(1).click()
    assert phone.locator("h1").inner_text() == "名师带徒"
    phone.locator(".activity a").first.click()
    assert "主讲人" in phone.locator(".facts").inner_text()
    screenshot(phone, "activity")

    phone.goto(live_demo + "/academy/")
    phone.get_by_role("link", name="8家创新工作室").click()
    phone.select_option("select[name=level]", "municipal")
    phone.get_by_role("button", name="筛选").click()
    assert phone.locator(".cards .card").count() == 2
    phone.locator(".cards .card").first.click()
    assert "创新成果" in phone.locator("main").inner_text()
    screenshot(phone, "studio")

    phone.goto(live_demo + "/academy/")
    phone.get_by_role("link", name="33位劳动模范").click()
    expect(phone.locator(".honours-level h2")).to_have_count(3)
    levels = phone.locator(".honours-level h2").all_inner_texts()
    assert [text.split()[0] for text in levels] == ["省级", "市级", "区级"]
    screenshot(phone, "honours")

    phone.goto(live_demo + "/academy/")
    phone.get_by_role("link", name="74位民间工匠").click()
    phone.locator(".chips a", has_text="竹编").click()
    assert "trade=bamboo-weaving" in phone.url
    names = phone.locator(".cards .card h2").all_inner_texts()
    assert 0 < len(names) < 24
    screenshot(phone, "craftsmen")
    # No evidence photos, no workspace links on public pages.
    assert "/app/academy/photos/" not in phone.content()


def test_a_large_phone_photo_is_made_smaller_in_the_browser_and_survives_a_refusal(
    live_demo, phone, screenshot, tmp_path
):
    """A 12 MP photo over 10 MB with GPS: the browser shrinks it before upload (keeping when
    it was taken), a refused entry keeps it, and what is served tells no location."""
    from tests.photos import assert_no_location_or_device, twelve_megapixels

    path = tmp_path / "IMG_0044.jpg"
    path.write_bytes(twelve_megapixels().read())
    log_in(phone, live_demo, "demo-mentor")
    phone.goto(live_demo + "/app/academy/my/")
    phone.locator(".pairing-card", has_text="毛小川").locator(".pairing-card__title").click()
    phone.wait_for_url(re.compile(r"/app/academy/pairings/\d+/$"))
    phone.get_by_role("link", name="记录带徒").first.click()
    phone.wait_for_load_state()  # the form's scripts are running
    phone.fill("input[name=hours]", "25")
    phone.fill("textarea[name=notes]", "一张很大的手机照片")
    phone.set_input_files("input[name=photos]", str(path))
    # Replaced in the input by a JPEG under 10 MB before anything is sent.
    phone.wait_for_function(
        "() => { const i = document.querySelector('input[name=photos]');"
        " return i.files.length === 1 && i.files[0].size < 10 * 1024 * 1024"
        " && i.files[0].type === 'image/jpeg'; }",
        timeout=60_000,
    )
    phone.get_by_role("button", name="保存记录").click()
    assert "学时必须大于0且不超过24" in phone.locator(".field--error").inner_text()
    kept = phone.locator(".pending-photos img")
    kept.scroll_into_view_if_needed()
    loaded = "img => img.complete && img.naturalWidth > 0"
    phone.wait_for_function(loaded, arg=kept.element_handle())
    screenshot(phone, "photo-kept")

    phone.fill("input[name=hours]", "1")
    phone.get_by_role("button", name="保存记录").click()
    phone.wait_for_url(re.compile(r"/app/academy/pairings/\d+/$"))
    phone.locator(".entry", has_text="一张很大的手机照片").get_by_role("link").first.click()
    phone.wait_for_url(re.compile(r"/app/academy/entries/\d+/$"))
    assert "2024-05-01 10:30" in phone.locator(".gallery").inner_text()
    large = phone.locator(".gallery a").first.get_attribute("href")
    served = phone.request.get(live_demo + large)
    assert served.status == 200
    assert_no_location_or_device(served.body())
