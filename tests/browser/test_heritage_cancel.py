"""Cancelling a class whose roll is taken, on a phone: the page warns how many children's
marks leave the rates, refuses until the teacher confirms, and the report then counts fewer
marks by exactly that number."""

import re

from tests.browser.conftest import log_in


def _report_total(page, base_url):
    page.goto(base_url + "/en/app/heritage/reports/")
    text = page.locator(".overall").inner_text()
    return sum(int(n) for n in re.findall(r"(?:Present|Late|Excused|Absent) (\d+)", text))


def test_cancelling_a_marked_session_warns_and_leaves_the_rates(live_demo, phone, screenshot):
    log_in(phone, live_demo, "demo-teacher")
    # A session two weeks back, whose roll is taken (other tests use last week's).
    phone.goto(live_demo + "/en/app/heritage/my-week/")
    for _week in range(2):
        phone.get_by_role("link", name=re.compile("Previous week")).click()
        phone.wait_for_load_state()
    link = phone.locator(".session-card a[href*=roll-call]").first
    session_url = link.get_attribute("href").replace("roll-call/", "")
    before = _report_total(phone, live_demo)

    phone.goto(live_demo + session_url)
    phone.get_by_role("link", name="Cancel this session").click()
    phone.wait_for_load_state()
    warning = phone.locator(".form-errors").first.inner_text()
    marks = int(re.search(r"(\d+) child", warning).group(1))
    assert marks > 0
    phone.fill("input[name=reason]", "Power cut")
    phone.get_by_role("button", name="Yes, cancel it").click()
    phone.wait_for_load_state()
    assert "confirm that its marks leave the attendance rates" in phone.content()
    phone.get_by_label(re.compile("leave the attendance rates")).check()
    screenshot(phone, "cancel-warning")
    phone.get_by_role("button", name="Yes, cancel it").click()
    phone.wait_for_load_state()
    assert "This session is cancelled." in phone.content()

    assert _report_total(phone, live_demo) == before - marks
