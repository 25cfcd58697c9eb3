"""The attendance report on a phone: the page never scrolls sideways, the rates table scrolls
in its own labelled box with its header and group column in view, and the summary downloads."""

from tests.browser.conftest import log_in


def page_width(page):
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_report_table_scrolls_in_its_own_box_on_a_phone(live_demo, phone, screenshot, tmp_path):
    log_in(phone, live_demo, "demo-teacher")
    phone.goto(live_demo + "/en/app/heritage/reports/?by=child")
    phone.wait_for_load_state("load")
    scroll_width, viewport = page_width(phone)
    assert scroll_width <= viewport == 390

    box = phone.get_by_role("region", name="Attendance rates per child")
    assert box.get_attribute("tabindex") == "0"
    # Keyboard: the box takes the focus, so the arrow keys scroll it.
    box.focus()
    assert phone.evaluate("document.activeElement.getAttribute('role')") == "region"
    first_cell = box.locator("tbody th").first
    header = box.locator("thead th").nth(1)
    before_x = first_cell.bounding_box()["x"]
    before_y = header.bounding_box()["y"]
    box.evaluate("el => { el.scrollLeft = 400; el.scrollTop = 300; }")
    assert box.evaluate("el => el.scrollLeft") > 0, "the columns scroll sideways in the box"
    assert box.evaluate("el => el.scrollTop") > 0, "the rows scroll down within the box"
    # The group column and the header row stay where they were.
    assert abs(first_cell.bounding_box()["x"] - before_x) < 2
    assert abs(header.bounding_box()["y"] - before_y) < 2
    screenshot(phone, "report-scrolled")

    with phone.expect_download() as download_info:
        phone.get_by_role("link", name="Summary (CSV)").click()
    path = tmp_path / "summary.csv"
    download_info.value.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].split(",") == [
        "child",
        "class group",
        "kindergarten",
        "attendance rate (%)",
        "present",
        "late",
        "excused",
        "absent",
    ]
    assert len(lines) > 20
