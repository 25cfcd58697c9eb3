"""A teacher's phone loses its network during the roll call: the marks wait on the phone, the
page says so, and they reach the server when the network is back, or show a conflict with a
change made there in between."""

import datetime
import re
import time

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.validators import axe_violations

QUEUE = "[data-queue-text]"


def teacher_sessions(live_db):
    """demo-teacher's sessions that ended more than two weeks ago, newest first: taken roll
    calls that the other browser tests (last week's and this week's) leave alone."""
    rows = live_db(
        "SELECT s.id, s.starts_at FROM heritage_session s"
        " JOIN heritage_classgroup g ON g.id = s.class_group_id"
        " JOIN heritage_kindergarten_teachers t ON t.kindergarten_id = g.kindergarten_id"
        " JOIN auth_user u ON u.id = t.user_id"
        " WHERE u.username = %s AND s.status = %s"
        " ORDER BY s.starts_at DESC",
        ["demo-teacher", "scheduled"],
    )
    cutoff = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=14)).isoformat()
    return [pk for pk, starts in rows if str(starts).replace(" ", "T")[:19] < cutoff[:19]]


def marks(live_db, session):
    return {
        child: (status, reason)
        for child, status, reason in live_db(
            "SELECT child_id, status, reason FROM heritage_attendance WHERE session_id = %s",
            [session],
        )
    }


def wait_for(check, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.25)
    return check()


def roll_url(base, session):
    return f"{base}/en/app/heritage/sessions/{session}/roll-call/"


def two_children_not_absent(page, saved):
    rows = page.locator(".roll-row")
    ids = [int(rows.nth(i).get_attribute("data-child")) for i in range(rows.count())]
    chosen = [pk for pk in ids if saved.get(pk, ("present", ""))[0] != "absent"][:2]
    assert len(chosen) == 2
    return chosen


def mark(page, child, status, reason=""):
    row = page.locator(f".roll-row[data-child='{child}']")
    row.locator(f"label.status--{status}").click()
    row.locator("input.roll-row__reason").fill(reason)


def queued(page):
    return page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('heritage.roll-call.')).length"
    )


def test_marks_saved_offline_wait_on_the_phone_and_arrive_when_back_online(
    live_demo, live_db, phone, screenshot
):
    session = teacher_sessions(live_db)[0]
    log_in(phone, live_demo, "demo-teacher")
    phone.goto(roll_url(live_demo, session))
    before = marks(live_db, session)
    first, second = two_children_not_absent(phone, before)

    phone.context.set_offline(True)
    mark(phone, first, "absent", "发烧")
    mark(phone, second, "absent")
    phone.get_by_role("button", name="Save the roll call").click()
    expect(phone.locator(QUEUE)).to_contain_text("1 roll call waiting to be sent")
    expect(phone.locator(QUEUE)).to_contain_text("No network")
    screenshot(phone, "waiting")
    assert queued(phone) == 1
    assert marks(live_db, session) == before  # nothing reached the server

    phone.context.set_offline(False)
    assert wait_for(
        lambda: (
            marks(live_db, session).get(first) == ("absent", "发烧")
            and marks(live_db, session).get(second) == ("absent", "")
        )
    )
    expect(phone.locator(QUEUE)).to_have_text("Sent: the roll call is saved.")
    assert queued(phone) == 0
    screenshot(phone, "sent")

    phone.reload()  # the history shows the change, nothing is sent twice
    expect(phone.locator("[data-changes]").first).to_contain_text("发烧")
    expect(phone.locator(QUEUE)).to_be_hidden()


def test_marks_kept_offline_go_on_the_next_page_opened_after_logging_in_again(
    live_demo, live_db, phone
):
    session = teacher_sessions(live_db)[1]
    # The roll is taken in a tab of the phone's browser that is closed while offline.
    tab = phone.context.new_page()
    tab.set_default_timeout(15_000)
    log_in(tab, live_demo, "demo-teacher")
    tab.goto(roll_url(live_demo, session))
    before = marks(live_db, session)
    child, _other = two_children_not_absent(tab, before)
    phone.context.set_offline(True)
    mark(tab, child, "absent", "牙疼")
    tab.get_by_role("button", name="Save the roll call").click()
    expect(tab.locator(QUEUE)).to_contain_text("1 roll call waiting to be sent")
    tab.close()
    phone.context.set_offline(False)
    time.sleep(1)
    assert marks(live_db, session) == before

    # Logging in again gives a new CSRF token; the kept marks still go.
    phone.context.clear_cookies()
    log_in(phone, live_demo, "demo-teacher")
    phone.goto(roll_url(live_demo, session))
    assert wait_for(lambda: marks(live_db, session).get(child) == ("absent", "牙疼"))
    expect(phone.locator(QUEUE)).to_have_text("Sent: the roll call is saved.")
    assert queued(phone) == 0


def conflict_on(live_demo, live_db, phone, browser, session):
    """The teacher marks a child absent offline while the manager marks them late online; the
    phone comes back online. Returns the child."""
    log_in(phone, live_demo, "demo-teacher")
    phone.goto(roll_url(live_demo, session))
    child, _second = two_children_not_absent(phone, marks(live_db, session))
    phone.context.set_offline(True)
    mark(phone, child, "absent", "发烧")
    phone.get_by_role("button", name="Save the roll call").click()
    expect(phone.locator(QUEUE)).to_contain_text("1 roll call waiting to be sent")

    other = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    desk = other.new_page()
    desk.set_default_timeout(15_000)
    log_in(desk, live_demo, "demo-manager")
    desk.goto(roll_url(live_demo, session))
    mark(desk, child, "late", "堵车")
    desk.get_by_role("button", name="Save the roll call").click()
    expect(desk.locator(".messages")).to_contain_text(re.compile("roll call is (saved|updated)"))
    other.close()
    assert marks(live_db, session)[child] == ("late", "堵车")

    phone.context.set_offline(False)
    conflict = phone.locator("[data-conflict]")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("陆安澜")
    row = conflict.locator(f"[data-conflict-child='{child}']")
    expect(row.locator("td").nth(0)).to_have_text("Absent · 发烧")
    expect(row.locator("td").nth(1)).to_have_text("Late · 堵车")
    return child


def test_a_change_made_on_the_server_meanwhile_is_shown_and_the_teacher_keeps_theirs(
    live_demo, live_db, phone, browser, screenshot
):
    session = teacher_sessions(live_db)[2]
    child = conflict_on(live_demo, live_db, phone, browser, session)
    expect(phone.get_by_role("button", name="Discard the marks kept on this phone")).to_be_hidden()
    screenshot(phone, "conflict")
    assert axe_violations(phone) == []  # the conflict and the waiting status, as shown
    time.sleep(1)  # the server's change is not overwritten, and the phone keeps its copy
    assert marks(live_db, session)[child] == ("late", "堵车")
    assert queued(phone) == 1

    phone.reload()  # still there after the page is opened again
    expect(phone.locator("[data-conflict]")).to_be_visible()
    phone.get_by_role("button", name="Keep mine").click()
    assert wait_for(lambda: marks(live_db, session)[child] == ("absent", "发烧"))
    expect(phone.locator(QUEUE)).to_have_text("Sent: the roll call is saved.")
    expect(phone.locator("[data-conflict]")).to_be_hidden()
    assert queued(phone) == 0


def test_the_teacher_may_keep_the_marks_saved_meanwhile_instead(live_demo, live_db, phone, browser):
    session = teacher_sessions(live_db)[3]
    child = conflict_on(live_demo, live_db, phone, browser, session)
    phone.get_by_role("button", name="Keep the saved ones").click()
    phone.wait_for_load_state()
    expect(phone.locator("[data-conflict]")).to_be_hidden()
    row = phone.locator(f".roll-row[data-child='{child}']")
    expect(row.locator("input[value=late]")).to_be_checked()
    expect(row.locator("input.roll-row__reason")).to_have_value("堵车")
    assert queued(phone) == 0
    time.sleep(1)
    assert marks(live_db, session)[child] == ("late", "堵车")


def test_marks_the_server_refuses_later_stay_until_the_teacher_discards_them(
    live_demo, live_db, phone
):
    session = teacher_sessions(live_db)[4]
    log_in(phone, live_demo, "demo-teacher")
    phone.goto(roll_url(live_demo, session))
    before = marks(live_db, session)
    child, _second = two_children_not_absent(phone, before)
    phone.context.set_offline(True)
    mark(phone, child, "absent")
    phone.get_by_role("button", name="Save the roll call").click()
    expect(phone.locator(QUEUE)).to_contain_text("1 roll call waiting to be sent")
    # Meanwhile the session is cancelled: its roll can no longer be taken.
    live_db("UPDATE heritage_session SET status = %s WHERE id = %s", ["cancelled", session])

    phone.context.set_offline(False)
    expect(phone.locator(QUEUE)).to_contain_text(
        "Not sent: This session was cancelled: there is no roll to take."
    )
    assert queued(phone) == 1
    phone.reload()  # the cancelled session's page has no form, and still shows what waits
    expect(phone.locator(QUEUE)).to_contain_text("1 roll call waiting to be sent")
    phone.get_by_role("button", name="Discard the marks kept on this phone").click()
    phone.wait_for_load_state()
    expect(phone.locator(QUEUE)).to_be_hidden()
    assert queued(phone) == 0
    assert marks(live_db, session) == before
