from playwright.sync_api import expect

from tests.browser.conftest import log_in


def test_home_in_chinese_switch_to_english_and_reach_the_workspace(live_demo, phone, screenshot):
    phone.goto(live_demo + "/")
    assert phone.locator("html").get_attribute("lang") == "zh-hans"
    assert phone.locator(".main-nav").inner_text().split() == [
        "劳模工匠学院",
        "技能竞赛",
        "非遗小匠人",
    ]
    screenshot(phone, "home-zh")

    phone.click(".language-switch a[lang=en]")
    phone.wait_for_url(live_demo + "/en/")
    assert phone.locator("html").get_attribute("lang") == "en"
    expect(phone.get_by_role("link", name="Log in")).to_be_visible()

    phone.click(".main-nav a >> text=Heritage programme")
    phone.wait_for_url(live_demo + "/en/heritage/")
    assert "Verify a certificate" in phone.locator("footer").inner_text()

    phone.get_by_role("link", name="Log in").click()
    phone.fill("input[name=username]", "demo-teacher")
    phone.fill("input[name=password]", "demo")
    phone.click("form.form button[type=submit]")
    phone.wait_for_url(live_demo + "/en/workspace/")
    expect(phone.get_by_role("heading", name="My workspace")).to_be_visible()
    assert "Kindergarten teacher" in phone.locator("main").inner_text()
    screenshot(phone, "workspace-en")


def test_manager_logs_in_to_the_wagtail_admin(live_demo, phone):
    phone.goto(live_demo + "/admin/login/")
    phone.fill("input[name=username]", "demo-manager")
    phone.fill("input[name=password]", "demo")
    phone.click("button[type=submit]")
    phone.wait_for_url(live_demo + "/admin/")
    assert phone.locator("html").get_attribute("lang") == "zh-hans"


def test_wrong_password_shows_a_message(live_demo, phone):
    log_in(phone, live_demo, "demo-teacher", password="wrong")
    expect(phone.locator(".form-errors")).to_be_visible()
    assert "/accounts/login/" in phone.url
