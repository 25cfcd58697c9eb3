"""The heritage programme's "done when" scenarios, in a real browser on a phone."""

import datetime
import re

from icalendar import Calendar
from playwright.sync_api import expect

from tests.browser.conftest import log_in


def overall_rate(page):
    return page.locator("[data-overall-rate]").inner_text()


def test_teacher_schedules_takes_the_roll_reports_exports_and_subscribes(
    live_demo, phone, screenshot, tmp_path
):
    log_in(phone, live_demo, "demo-teacher")
    phone.goto(live_demo + "/en/workspace/")
    phone.get_by_role("link", name=re.compile("Schedule a class")).click()

    # A weekly series, three weeks from now, Mondays and Thursdays at 16:30.
    today = datetime.date.today()
    monday = today + datetime.timedelta(days=21 - today.weekday())

    def fill_series():
        phone.select_option("select[name=class_group]", index=1)
        class_group = phone.locator("select[name=class_group] option:checked").inner_text()
        band = {"小": "Small class", "中": "Middle class", "大": "Large class"}[
            class_group.split(" · ")[1][0]
        ]
        lessons = phone.locator("select[name=lesson] option").all_inner_texts()
        # Only a lesson of the class group's age band is accepted.
        phone.select_option("select[name=lesson]", label=next(t for t in lessons if band in t))
        phone.select_option("select[name=craftsman]", label="应守拙")
        phone.fill("input[name=day]", monday.isoformat())
        phone.fill("input[name=start_time]", "16:30")
        phone.fill("input[name=end_time]", "17:10")
        phone.fill("input[name=place]", "匠心基地")
        phone.check("input[name=repeat]")
        phone.check("input[name=weekdays][value='0']")
        phone.check("input[name=weekdays][value='3']")
        phone.fill("input[name=until]", (monday + datetime.timedelta(days=13)).isoformat())
        screenshot(phone, "schedule-form")
        phone.get_by_role("button", name="Schedule", exact=True).click()
        phone.wait_for_load_state()
        confirm = phone.locator("input[type=checkbox][name=confirm_unknown_years]")
        if confirm.count():  # the series reaches a year whose holidays are not entered yet
            expect(phone.get_by_text("not in the holiday table yet")).to_be_visible()
            confirm.check()
            phone.get_by_role("button", name="Schedule", exact=True).click()
            phone.wait_for_load_state()

    fill_series()
    # Nothing is saved before the teacher has seen the dates.
    expect(phone.get_by_role("heading", name="Check the dates")).to_be_visible()
    assert phone.locator("[data-preview-date]").count() >= 4
    screenshot(phone, "series-preview")
    phone.get_by_role("button", name=re.compile(r"Confirm and create \d+ sessions")).click()
    assert "sessions are scheduled" in phone.locator(".messages").inner_text()
    assert phone.locator(".session-card", has_text="匠心基地").count() >= 1
    screenshot(phone, "series-scheduled")

    # The same series again clashes, and the message names the session.
    phone.goto(live_demo + "/en/app/heritage/sessions/new/")
    fill_series()
    error = phone.locator(".form-errors").inner_text()
    assert "clash" in error
    clash = phone.locator(".preview-dates .error").first.inner_text()
    assert "16:30" in clash and "匠心基地" in clash
    assert phone.get_by_role("button", name=re.compile("Confirm and create")).count() == 0
    screenshot(phone, "clash-refused")

    # Last week's first session still open for the roll: which class is it?
    phone.goto(live_demo + "/en/app/heritage/my-week/")
    phone.get_by_role("link", name=re.compile("Previous week")).click()
    card = phone.locator(".session-card", has=phone.locator("a[href*=roll-call]")).first
    kindergarten, class_name = card.locator("p").first.inner_text().split(" · ")[:2]
    class_label = f"{kindergarten} · {class_name}"

    # The report for that class group, before the roll call.
    phone.goto(live_demo + "/en/app/heritage/reports/")
    phone.select_option("select[name=by]", "child")
    phone.select_option("select[name=class_group]", label=class_label)
    phone.get_by_role("button", name="Show").click()
    before = overall_rate(phone)
    report_url = phone.url

    # Last week's session of that class: everyone absent.
    phone.goto(live_demo + "/en/app/heritage/my-week/")
    phone.get_by_role("link", name=re.compile("Previous week")).click()
    phone.locator(".session-card a[href*=roll-call]").first.click()
    roll_call_url = phone.url
    phone.get_by_role("button", name="All present").click()
    absent = phone.locator(".roll-row label.status--absent")
    for index in range(absent.count()):
        absent.nth(index).click()
    screenshot(phone, "roll-call")
    with phone.expect_navigation():  # saved in the background, then the page reloads
        phone.get_by_role("button", name="Save the roll call").click()
    assert re.search(r"roll call is (saved|updated)", phone.locator(".messages").inner_text())
    assert "0.0%" in phone.locator(".rate").inner_text()

    phone.goto(report_url)
    after = overall_rate(phone)
    assert after != before
    screenshot(phone, "report")

    with phone.expect_download() as download_info:
        phone.get_by_role("link", name="Rows (CSV)").click()
    path = tmp_path / "attendance.csv"
    download_info.value.save_as(path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == (
        "date,starts,ends,kindergarten,class group,craft,lesson,child,status,reason"
    )
    assert any(",absent," in line for line in lines[1:])

    phone.goto(live_demo + "/en/app/heritage/feeds/")
    feed_url = phone.locator("input.feed-url").first.input_value()
    screenshot(phone, "feeds")
    calendar = Calendar.from_ical(phone.request.get(feed_url).body())
    events = calendar.walk("VEVENT")
    assert any("匠心基地" in str(event.get("LOCATION")) for event in events)

    # The other kindergarten's teacher cannot open this roll call.
    phone.context.clear_cookies()
    log_in(phone, live_demo, "demo-teacher2")
    response = phone.goto(roll_call_url)
    assert response.status == 404


def test_craftsman_sees_the_week(live_demo, phone, screenshot):
    log_in(phone, live_demo, "demo-craftsman")
    phone.goto(live_demo + "/en/workspace/")
    phone.get_by_role("link", name=re.compile("My week")).click()
    cards = phone.locator(".session-card")
    assert cards.count() >= 1
    assert "Materials" in cards.first.inner_text()
    assert "蓝印扎染" in cards.first.inner_text()
    screenshot(phone, "craftsman-week")


def test_public_sees_crafts_lessons_and_matrix_without_any_child(live_demo, phone, screenshot):
    log_in(phone, live_demo, "demo-teacher")
    phone.goto(live_demo + "/app/heritage/kindergartens/")
    phone.locator(".task").first.click()
    phone.locator(".task").first.click()
    names = [
        n.strip() for n in phone.locator("table.children tbody td:first-child").all_inner_texts()
    ]
    assert len(names) >= 20
    phone.context.clear_cookies()

    phone.goto(live_demo + "/heritage/")
    expect(phone.locator("table.matrix")).to_be_visible()
    assert phone.locator("table.matrix tbody tr").count() == 11
    screenshot(phone, "programme")
    public_text = phone.locator("main").inner_text()
    phone.locator(".craft-card", has_text="蓝印扎染").click()
    public_text += phone.locator("main").inner_text()
    phone.locator(".lesson-list a").first.click()
    public_text += phone.locator("main").inner_text()
    assert phone.locator(".lesson-step").count() >= 1
    screenshot(phone, "lesson")
    phone.get_by_role("link", name="打印版").click()
    assert phone.locator("h1").inner_text().startswith("蓝印扎染")
    phone.goto(live_demo + "/heritage/lessons/?age_band=small")
    public_text += phone.locator("main").inner_text()
    assert phone.locator(".lesson-cards .card").count() == 11
    for name in names:
        assert name not in public_text
