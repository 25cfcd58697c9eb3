"""The CSV and XLSX downloads as Excel (Chinese Windows), WPS and LibreOffice open them.

CSV: UTF-8 after a byte-order mark (so Excel and WPS on Chinese Windows and LibreOffice read
it as UTF-8; LibreOffice itself opens one in a test), RFC 4180 (CRLF, quoted commas, quotes and
line breaks). XLSX: opened with openpyxl, typed cells,
bold header, widths, a sheet title. Both: user text that starts like a formula stays text.
Content-Disposition: an ASCII ``filename`` and an RFC 5987 ``filename*`` for Chinese names.
"""

import csv
import io
import re
from decimal import Decimal
from urllib.parse import unquote

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from core import spreadsheets
from heritage.models import Child
from tests.contests.helpers import fill, ready_event
from tests.factories.academy import LogEntryFactory

pytestmark = pytest.mark.django_db

NASTY = '王, "小"明\n（第二行）'
FORMULAS = ["=1+2", "+86 138", "-2+3", "@SUM(A1)"]


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.getvalue()
    assert body.startswith(b"\xef\xbb\xbf"), "a byte-order mark before the header"
    text = body.decode("utf-8-sig")
    # RFC 4180: every record ends with CRLF; a bare LF only inside a quoted field.
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    outside_quotes = re.sub(r'"(?:[^"]|"")*"', "", text)
    assert "\n" not in outside_quotes.replace("\r\n", "")
    return rows


def read_xlsx(response, header_row=1):
    assert response.status_code == 200
    assert response["Content-Type"] == spreadsheets.XLSX_CONTENT_TYPE
    workbook = openpyxl.load_workbook(io.BytesIO(response.getvalue()))
    sheet = workbook.active
    header = next(sheet.iter_rows(min_row=header_row, max_row=header_row))
    assert all(cell.font.b for cell in header), "bold header row"
    assert sheet.freeze_panes == f"A{header_row + 1}"
    for i, _cell in enumerate(header, start=1):
        width = sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width
        assert 6 <= width <= 60
    return sheet


def filenames(response):
    """(ASCII filename, decoded filename*) from Content-Disposition."""
    value = response["Content-Disposition"]
    assert value.startswith("attachment; ")
    plain = re.search(r'filename="([^"]*)"', value).group(1)
    assert plain.isascii() and plain
    star = re.search(r"filename\*=UTF-8''(\S+)", value)
    return plain, unquote(star.group(1)) if star else None


def assert_inert_csv(value, original):
    assert value == "'" + original


def assert_inert_xlsx(cell, original):
    assert cell.data_type == "s" and cell.value == original and cell.quotePrefix


# ------------------------------------------------------------------ the helpers themselves


def test_content_disposition_has_ascii_fallback_and_rfc5987_name():
    value = spreadsheets.content_disposition("出勤记录 2025-03-01.csv", "attendance-20250301.csv")
    assert value == (
        'attachment; filename="attendance-20250301.csv"; '
        "filename*=UTF-8''%E5%87%BA%E5%8B%A4%E8%AE%B0%E5%BD%95%202025-03-01.csv"
    )
    assert (
        spreadsheets.content_disposition("results-3.csv") == 'attachment; filename="results-3.csv"'
    )
    nasty = spreadsheets.content_disposition('a"b\\c\r\nd.csv')
    assert "\r" not in nasty and "\n" not in nasty and 'filename="a_b_c_d.csv"' in nasty


@pytest.mark.parametrize("title", ["结果[1]:*?/\\", "x" * 40, "", "'引号'"])
def test_sheet_titles_excel_accepts(title):
    clean = spreadsheets.sheet_title(title)
    assert 1 <= len(clean) <= 31 and not set(clean) & set("[]:*?/\\")
    assert not clean.startswith("'")


# ------------------------------------------------------------------ heritage attendance


def take_roll(client, world):
    client.force_login(world.teacher)
    data = {f"status_{c.pk}": "present" for c in world.children}
    data[f"status_{world.children[1].pk}"] = "absent"
    response = client.post(reverse("heritage:roll_call", args=[world.session.pk]), data)
    assert response.status_code == 302


def name_children(world):
    names = [NASTY, *FORMULAS]
    for child, name in zip(world.children, names, strict=True):
        Child.objects.filter(pk=child.pk).update(display_name=name)
    return names


def test_heritage_attendance_csv(client, world):
    names = name_children(world)
    take_roll(client, world)
    response = client.get("/en" + reverse("heritage:reports_export", args=["csv"]))
    rows = read_csv(response)
    assert rows[0] == [
        "date",
        "starts",
        "ends",
        "kindergarten",
        "class group",
        "craft",
        "lesson",
        "child",
        "status",
        "reason",
    ]
    assert len(rows) == 1 + len(names)
    by_child = {row[7]: row for row in rows[1:]}
    assert NASTY in by_child, "commas, quotes and a line break survive as one field"
    for name in FORMULAS:
        assert_inert_csv(next(k for k in by_child if k.endswith(name)), name)
    assert rows[1][0] == timezone.localdate().isoformat()
    plain, star = filenames(response)
    assert plain == f"attendance-{timezone.localdate():%Y%m%d}.csv"
    # Chinese: the same columns in Chinese, a Chinese file name beside the ASCII one.
    zh = client.get("/app/heritage/reports/export.csv")  # reverse() would follow the last /en/
    assert read_csv(zh)[0] == [
        "日期",
        "开始",
        "结束",
        "幼儿园",
        "班级",
        "技艺",
        "课程",
        "幼儿",
        "状态",
        "原因",
    ]
    plain, star = filenames(zh)
    assert plain.startswith("attendance-") and star.startswith("考勤") and star.endswith(".csv")


def test_heritage_attendance_xlsx(client, world):
    name_children(world)
    take_roll(client, world)
    response = client.get("/en" + reverse("heritage:reports_export", args=["xlsx"]))
    sheet = read_xlsx(response)
    assert sheet.title.startswith("Attendance")
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == [
        "date",
        "starts",
        "ends",
        "kindergarten",
        "class group",
        "craft",
        "lesson",
        "child",
        "status",
        "reason",
    ]
    date = rows[1][0]
    assert date.is_date and date.value.date() == timezone.localdate()
    assert date.number_format == "yyyy-mm-dd"
    children = {row[7].value: row[7] for row in rows[1:]}
    assert NASTY in children
    for name in FORMULAS:
        assert_inert_xlsx(children[name], name)
    # Chinese names are wide: their column is wider than the ASCII status column.
    widths = sheet.column_dimensions
    assert widths["D"].width > widths["I"].width
    plain, star = filenames(response)
    assert plain.endswith(".xlsx")


# ------------------------------------------------------------------ academy logbook and pairings


def test_academy_logbook_csv_and_xlsx(client, pairing):
    entry = LogEntryFactory(pairing=pairing, hours=Decimal("3.5"), notes="=cmd|' /C calc'!A0")
    LogEntryFactory(pairing=pairing, hours=Decimal("2"), notes="排料, 裁剪\n缝制")
    client.force_login(pairing.mentor)
    rows = read_csv(client.get(reverse("academy:logbook_export", args=[pairing.pk, "csv"])))
    assert len(rows) == 3
    notes = [row[3] for row in rows[1:]]
    assert "排料, 裁剪\n缝制" in notes
    assert_inert_csv(next(n for n in notes if n.endswith("calc'!A0")), entry.notes)
    assert sorted(row[1] for row in rows[1:]) == ["2.00", "3.50"]
    response = client.get(reverse("academy:logbook_export", args=[pairing.pk, "xlsx"]))
    sheet = read_xlsx(response)
    body = list(sheet.iter_rows(min_row=2))
    hours = sorted(row[1].value for row in body)
    assert hours == [2, 3.5] and all(row[1].data_type == "n" for row in body)
    assert all(row[0].is_date for row in body)
    formula = next(row[3] for row in body if str(row[3].value).startswith("=cmd"))
    assert_inert_xlsx(formula, entry.notes)
    plain, star = filenames(response)
    assert plain == f"logbook-{pairing.pk}-{timezone.localdate():%Y%m%d}.xlsx"
    assert star and star.endswith(".xlsx")


def test_academy_manager_pairings_xlsx_has_numbers(client, pairing, other_pairing, manager):
    LogEntryFactory(pairing=pairing, hours=Decimal("2.5"))
    client.force_login(manager)
    response = client.get(reverse("academy:manager_pairings"), {"export": "xlsx"})
    sheet = read_xlsx(response)
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    row = rows[pairing.pk]
    assert isinstance(row[0].value, int)
    logged = row[header.index("已记学时")]
    assert logged.data_type == "n" and logged.value == 2.5 and logged.number_format == "0.00"
    start = row[7]  # the pairing's start date
    assert start.is_date and start.value.date() == pairing.start
    csv_rows = read_csv(client.get(reverse("academy:manager_pairings"), {"export": "csv"}))
    assert csv_rows[0] == header
    assert len(csv_rows) == 3


# ------------------------------------------------------------------ contest results


def test_contest_results_csv_and_xlsx(client, contest, organizer):
    event, sheets = ready_event(contest)
    entrants = list(event.entrants.order_by("bib"))
    entrants[0].name = "=WEBSERVICE(1)"
    entrants[0].unit = '+奉化, "某"厂'
    entrants[0].save()
    entrants[1].unit = "-1"
    entrants[1].save()
    fill(event, sheets)
    client.force_login(organizer)
    base = f"/app/contests/manage/event/{event.pk}"
    response = client.get(f"/en{base}/results.csv")
    rows = read_csv(response)
    criteria = [criterion.name for criterion in event.criteria.order_by("position", "pk")]
    assert rows[0] == ["rank", "bib", "name", "unit", *criteria, "total", "award", "tie-break"]
    total_at = 4 + len(criteria)
    first = rows[1]
    assert first[0] == "1" and first[1] == "001"
    assert_inert_csv(first[2], "=WEBSERVICE(1)")
    assert_inert_csv(first[3], '+奉化, "某"厂')
    assert re.fullmatch(r"\d+\.\d\d", first[total_at]), first[total_at]
    assert_inert_csv(rows[2][3], "-1")
    plain, star = filenames(response)
    assert plain == f"results-{event.pk}-draft.csv"
    assert star == f"{contest.title} {event.name} results working draft.csv"

    response = client.get(f"{base}/results.xlsx")
    sheet = read_xlsx(response, header_row=2)
    assert sheet.title == event.name
    title, *rows = list(sheet.iter_rows())
    assert title[0].value.startswith("工作草稿")
    assert [c.value for c in rows[0]] == [
        "名次",
        "编号",
        "姓名",
        "单位",
        *criteria,
        "总分",
        "奖项",
        "决胜说明",
    ]
    rank, bib, name, unit = rows[1][:4]
    total, award = rows[1][total_at], rows[1][total_at + 1]
    assert rank.data_type == "n" and rank.value == 1
    assert bib.data_type == "s" and bib.value == "001", "numbers keep their leading zeros"
    assert total.data_type == "n" and total.number_format == "0.00"
    assert Decimal(str(total.value)) == Decimal(first[total_at])
    assert_inert_xlsx(name, "=WEBSERVICE(1)")
    assert_inert_xlsx(unit, '+奉化, "某"厂')
    assert award.value == "一等奖"
    plain, star = filenames(response)
    assert plain == f"results-{event.pk}-draft.xlsx" and star.startswith(contest.title)


def test_contest_csv_totals_have_two_decimals_and_unranked_last(client, contest, organizer):
    event, sheets = ready_event(contest, entrants=4)
    last = event.entrants.order_by("-bib").first()
    last.status = "absent"
    last.save()
    fill(event, sheets)
    client.force_login(organizer)
    rows = read_csv(client.get(f"/en/app/contests/manage/event/{event.pk}/results.csv"))
    ranked, unranked = rows[1:4], rows[4:]
    assert all(re.fullmatch(r"\d+\.\d\d", row[4]) for row in ranked)
    assert unranked[0][0] == "" and unranked[0][4] == "" and unranked[0][1] == last.bib


# ------------------------------------------------------------------ the admin's listings


def test_admin_listing_exports_are_written_the_same_way(client, world):
    client.force_login(world.manager)
    url = reverse("wagtailsnippets_heritage_session:list")
    rows = read_csv(client.get(url, {"export": "csv"}))
    assert len(rows) == 2
    header, row = rows
    assert "状态" in header
    assert row[header.index("状态")] == "已排课", "choices by their label, not their code"
    local = timezone.localtime(world.session.starts_at)
    assert row[0] == f"{local:%Y-%m-%d %H:%M}", "times in Shanghai, not UTC"
    response = client.get(url, {"export": "xlsx"})
    sheet = read_xlsx(response)
    starts = sheet.cell(row=2, column=1)
    assert starts.is_date and starts.value == local.replace(tzinfo=None)
    plain, star = filenames(response)
    today = timezone.localdate()
    assert plain == f"heritage_session-{today:%Y%m%d}.xlsx"
    assert star == f"课次 {today:%Y-%m-%d}.xlsx"
