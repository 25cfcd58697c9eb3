"""The roll call on a phone: eight or more children on one screen, a name filter, consent,
the summary after saving and the history of changes."""

import re

from tests.browser.conftest import PHONE, log_in


def _largest_roll_call(page, base_url):
    """The roll call of last week's session with the most children, of the demo teacher."""
    page.goto(base_url + "/en/app/heritage/my-week/")
    page.get_by_role("link", name=re.compile("Previous week")).click()
    page.wait_for_load_state()
    links = page.locator(".session-card a[href*=roll-call]")
    urls = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert urls, "the demo teacher has sessions last week"
    sizes = {}
    for url in urls:
        page.goto(base_url + url)
        sizes[url] = page.locator(".roll-row").count()
    url = max(sizes, key=sizes.get)
    page.goto(base_url + url)
    return sizes[url]


def _rows_fully_visible(page):
    """Child rows wholly on screen once the teacher has scrolled to the list (the sticky tools
    at the top; a summary of an earlier save may stand above them): below the tools and above
    the sticky save bar."""
    page.evaluate(
        "() => window.scrollBy(0, document.querySelector('.roll-call__tools')"
        ".getBoundingClientRect().top)"
    )
    save_top = page.locator(".roll-call__save").bounding_box()["y"]
    tools = page.locator(".roll-call__tools").bounding_box()
    limit = min(save_top, PHONE["height"])
    visible = 0
    for box in page.locator(".roll-row").evaluate_all(
        "rows => rows.map(r => { const b = r.getBoundingClientRect(); "
        "return {top: b.top, bottom: b.bottom, height: b.height}; })"
    ):
        top_edge = max(0, tools["y"] + tools["height"])
        if box["height"] > 0 and box["top"] >= top_edge and box["bottom"] <= limit:
            visible += 1
    return visible


def test_phone_shows_eight_children_at_once_and_filters_by_name(live_demo, phone, screenshot):
    log_in(phone, live_demo, "demo-teacher")
    size = _largest_roll_call(phone, live_demo)
    assert size >= 20  # demo classes have 20 to 30 children
    screenshot(phone, "roll-call-phone")
    assert _rows_fully_visible(phone) >= 8

    # One tap sets a status; the radio buttons stay real radio buttons for screen readers.
    row = phone.locator('.roll-row:has(.roll-row__reason[value=""])').first
    row.locator("label.status--present").click()
    assert row.get_by_role("radio", name="Present").is_checked()
    assert not row.locator(".roll-row__reason").is_visible()
    row.locator("label.status--absent").click()
    assert row.get_by_role("radio", name="Absent").is_checked()
    assert not row.get_by_role("radio", name="Present").is_checked()
    # An exception opens the reason field of that child.
    assert row.locator(".roll-row__reason").is_visible()

    # The filter keeps only matching names; clearing it brings every child back.
    name = phone.locator(".roll-row").nth(3).get_attribute("data-name")
    phone.get_by_role("searchbox", name="Find a child by name").fill(name)
    shown = phone.locator(".roll-row:visible")
    assert shown.count() >= 1
    assert all(name in shown.nth(i).get_attribute("data-name") for i in range(shown.count()))
    assert shown.count() < size
    phone.get_by_role("searchbox", name="Find a child by name").fill("没有这个名字")
    assert phone.locator(".roll-row:visible").count() == 0
    assert phone.get_by_text("No child of this class has that name.").is_visible()
    phone.get_by_role("searchbox", name="Find a child by name").fill("")
    assert phone.locator(".roll-row:visible").count() == size

    # Photo consent is stated for the class, and marked beside each child without it.
    consent = phone.locator("[data-photo-consent] summary").inner_text()
    assert "Class photo" in consent
    without = phone.locator(".roll-row .no-photo").count()
    assert without > 0  # about one child in five of the demo has no consent
    assert f"{without} of {size}" in consent
    phone.locator("[data-photo-consent] summary").click()
    assert phone.locator(".photo-consent__names li").count() == without

    # Saving names who was absent, with the reason, and the change enters the history.
    name = row.get_attribute("data-name")
    row.locator(".roll-row__reason").fill("发烧")
    with phone.expect_navigation():  # saved in the background, then the page reloads
        phone.get_by_role("button", name="Save the roll call").click()
    phone.wait_for_load_state()
    notes = phone.locator(".messages").inner_text()
    assert f"{name} (发烧)" in notes and "Absent" in notes
    screenshot(phone, "roll-call-saved")
    summary = phone.locator("dl[data-exceptions]").inner_text()
    assert name in summary and "发烧" in summary
    # A later change of that child, with its reason, is listed as old → new.
    row = phone.locator(f'.roll-row[data-name="{name}"]')
    row.locator("label.status--late").click()
    row.locator(".roll-row__reason").fill("堵车")
    with phone.expect_navigation():  # saved in the background, then the page reloads
        phone.get_by_role("button", name="Save the roll call").click()
    phone.wait_for_load_state()
    latest = phone.locator("ol[data-changes] > li").first.inner_text()
    assert f"{name}: Absent · 发烧 → Late · 堵车" in latest
    assert phone.locator("ol[data-changes] > li").first.locator("p").inner_text() != ""
