"""The attendance report's downloads: the rows (with time and reason) and the rates per group,
as CSV that spreadsheet programs read as UTF-8 and as typed XLSX, within the user's scope."""

import csv
import datetime
import io

import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from heritage.models import Attendance, RollCall
from tests.factories.heritage import ChildFactory, SessionFactory, at

pytestmark = pytest.mark.django_db

ROWS_HEADER = [
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


def mark(session, statuses, children, reasons=None):
    """A roll call of ``session``: one status per child, with optional reasons."""
    RollCall.objects.create(session=session, recorded_by=session.teacher)
    reasons = reasons or {}
    Attendance.objects.bulk_create(
        [
            Attendance(session=session, child=child, status=status, reason=reasons.get(i, ""))
            for i, (child, status) in enumerate(zip(children, statuses, strict=True))
        ]
    )


@pytest.fixture
def marked(world):
    """Two roll calls in the teacher's class (rates differ per child) and one in the other
    teacher's kindergarten, whose rows the teacher must never see."""
    mark(
        world.session,
        ["present", "late", "excused", "absent", "absent"],
        world.children,
        {2: "感冒请假", 3: "外出"},
    )
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    earlier = SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group,
        teacher=world.teacher,
        starts_at=at(yesterday, 14, 30),
        season=world.season,
    )
    mark(earlier, ["present", "present", "present", "present", "absent"], world.children)
    other = SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group2,
        teacher=world.teacher2,
        starts_at=at(yesterday, 9),
        season=world.season,
    )
    mark(other, ["present", "absent", "present"], list(world.class_group2.children.all()))
    return world


def body(response):
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def read_csv(response):
    raw = body(response)
    assert raw.startswith(b"\xef\xbb\xbf"), "a byte-order mark before the header"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def read_xlsx(response):
    return list(load_workbook(io.BytesIO(body(response))).active.iter_rows())


def url(name, *args):
    """The Chinese (unprefixed) address, whichever language the last request used."""
    with translation.override("zh-hans"):
        return reverse(name, args=args)


def export(client, name, export_format, query=""):
    return client.get("/en" + url(f"heritage:{name}", export_format) + query)


def test_rows_export_carries_the_sessions_time_and_the_reason(client, marked):
    client.force_login(marked.teacher)
    rows = read_csv(export(client, "reports_export", "csv"))
    assert rows[0] == ROWS_HEADER
    assert len(rows) == 1 + 10
    # Oldest session first: yesterday 14:30–15:10, then today 09:00–09:40.
    assert rows[1][:3] == [
        (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "14:30",
        "15:10",
    ]
    today = [row for row in rows[1:] if row[0] == timezone.localdate().isoformat()]
    assert {(row[1], row[2]) for row in today} == {("09:00", "09:40")}
    reasons = {row[7]: (row[8], row[9]) for row in today}
    assert reasons[marked.children[2].display_name] == ("excused", "感冒请假")
    assert reasons[marked.children[3].display_name] == ("absent", "外出")
    assert reasons[marked.children[0].display_name] == ("present", "")


def test_rows_xlsx_has_time_cells_and_the_reason(client, marked):
    client.force_login(marked.teacher)
    rows = read_xlsx(export(client, "reports_export", "xlsx"))
    assert [cell.value for cell in rows[0]] == ROWS_HEADER
    date, starts, ends = rows[1][:3]
    assert date.is_date and date.number_format == "yyyy-mm-dd"
    assert starts.value == datetime.time(14, 30) and starts.number_format == "hh:mm"
    assert ends.value == datetime.time(15, 10)
    assert "感冒请假" in [row[9].value for row in rows[1:]]


def test_chinese_headers(client, marked):
    client.force_login(marked.teacher)
    rows = read_csv(client.get("/app/heritage/reports/export.csv"))
    assert rows[0][:3] == ["日期", "开始", "结束"] and rows[0][-1] == "原因"
    summary = read_csv(client.get("/app/heritage/reports/summary.csv?by=child"))
    assert summary[0] == ["幼儿", "班级", "幼儿园", "出勤率（%）", "出勤", "迟到", "请假", "缺勤"]


@pytest.mark.parametrize("by", ["child", "class_group", "kindergarten", "craft", "season"])
def test_summary_export_has_the_pages_groups_and_rates(client, marked, by):
    client.force_login(marked.manager)
    page = client.get("/en" + url("heritage:reports") + f"?by={by}")
    shown = [
        (row["label"], floatformat(row["rate"], 1), row["present"], row["absent"])
        for row in page.context["rows"]
    ]
    assert len(shown) >= 1
    for _label, rate, *_ in shown:
        assert f"{rate}%" in page.content.decode()
    names = {"child": 3, "class_group": 2}.get(by, 1)
    rows = read_csv(export(client, "reports_summary_export", "csv", f"?by={by}"))
    assert rows[0][names:] == ["attendance rate (%)", "present", "late", "excused", "absent"]
    exported = [(row[0], row[names], int(row[names + 1]), int(row[names + 4])) for row in rows[1:]]
    assert exported == shown
    cells = read_xlsx(export(client, "reports_summary_export", "xlsx", f"?by={by}"))
    in_xlsx = [
        (row[0].value, floatformat(row[names].value, 1), row[names + 1].value, row[names + 4].value)
        for row in cells[1:]
    ]
    assert in_xlsx == shown
    assert cells[1][names].number_format == "0.0"
    assert isinstance(cells[1][names + 1].value, int)


def test_summary_per_child_follows_the_filters(client, marked):
    client.force_login(marked.manager)
    query = f"?by=child&kindergarten={marked.kg.pk}"
    rows = read_csv(export(client, "reports_summary_export", "csv", query))
    by_child = {row[0]: row for row in rows[1:]}
    assert set(by_child) == {child.display_name for child in marked.children}
    # present + absent on two days: 50.0; excused then present: 100.0.
    assert by_child[marked.children[0].display_name][3:] == ["100.0", "2", "0", "0", "0"]
    assert by_child[marked.children[2].display_name][3] == "100.0"
    assert by_child[marked.children[3].display_name][3] == "50.0"
    assert by_child[marked.children[4].display_name][3] == "0.0"
    response = export(client, "reports_summary_export", "csv", query)
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="attendance-summary-by-child-{timezone.localdate():%Y%m%d}.csv"'
    )


def test_another_teachers_rows_never_appear(client, marked):
    client.force_login(marked.manager)
    everyone = body(export(client, "reports_export", "csv")).decode("utf-8-sig")
    assert "明珠孩子" in everyone and "明珠幼儿园" in everyone
    client.force_login(marked.teacher)
    for name in ("reports_export", "reports_summary_export"):
        for by in ("child", "kindergarten", "class_group"):
            csv_text = body(export(client, name, "csv", f"?by={by}")).decode("utf-8-sig")
            assert "明珠" not in csv_text
            xlsx = read_xlsx(export(client, name, "xlsx", f"?by={by}"))
            assert not any("明珠" in str(cell.value) for row in xlsx for cell in row)
    # Naming the other kindergarten is refused, not a wider export.
    query = f"?kindergarten={marked.kg2.pk}"
    assert export(client, "reports_summary_export", "csv", query).status_code == 400
    assert export(client, "reports_export", "xlsx", query).status_code == 400


def test_exports_refuse_other_formats_and_outsiders(client, marked, user_factory):
    client.force_login(marked.teacher)
    assert export(client, "reports_summary_export", "pdf").status_code == 404
    assert export(client, "reports_summary_export", "csv", "?by=nonsense").status_code == 400
    client.force_login(user_factory(role="judge"))
    assert export(client, "reports_summary_export", "csv").status_code == 403


def test_report_page_links_both_downloads_with_its_filters(client, marked):
    client.force_login(marked.teacher)
    html = client.get(reverse("heritage:reports") + "?by=child").content.decode()
    for name in ("reports_summary_export", "reports_export"):
        for export_format in ("csv", "xlsx"):
            assert f"{reverse(f'heritage:{name}', args=[export_format])}?by=child" in html


def test_summary_query_count_does_not_grow(client, marked, django_assert_max_num_queries):
    client.force_login(marked.teacher)
    for n in range(2):
        with django_assert_max_num_queries(12):
            rows = read_csv(export(client, "reports_summary_export", "csv", "?by=child"))
        assert len(rows) == 1 + len(marked.children) + n
        ChildFactory(class_group=marked.class_group)
        Attendance.objects.create(
            session=marked.session, child=marked.class_group.children.last(), status="present"
        )


def test_rows_xlsx_of_a_generated_dataset_streams_every_row_typed(client, world):
    """More rows than the column-width sample, so the rest stream after it; not timed (the
    34,000-row time is a figure of ``make bench``)."""
    children = ChildFactory.create_batch(25, class_group=world.class_group)
    first = timezone.localdate() - datetime.timedelta(days=90)
    sessions = [
        SessionFactory(
            lesson=world.lesson,
            class_group=world.class_group,
            teacher=world.teacher,
            starts_at=at(first + datetime.timedelta(days=day), 10, 15),
        )
        for day in range(30)
    ]
    statuses = ["present", "late", "excused", "absent"]
    Attendance.objects.bulk_create(
        [
            Attendance(session=s, child=c, status=statuses[(i + j) % 4])
            for i, s in enumerate(sessions)
            for j, c in enumerate(children)
        ]
    )
    client.force_login(world.teacher)
    rows = read_xlsx(export(client, "reports_export", "xlsx"))
    assert len(rows) == 1 + 30 * 25
    last = rows[-1]
    assert last[0].is_date and last[0].value.date() == first + datetime.timedelta(days=29)
    assert last[1].value == datetime.time(10, 15) and last[2].value == datetime.time(10, 55)
    assert [cell.value for cell in rows[0]][-2:] == ["status", "reason"]
    assert {row[8].value for row in rows[1:]} == set(statuses)
    sheet = load_workbook(io.BytesIO(body(export(client, "reports_export", "xlsx")))).active
    assert sheet.auto_filter.ref == f"A1:J{1 + 30 * 25}"
    summary = read_xlsx(export(client, "reports_summary_export", "xlsx", "?by=child"))
    assert len(summary) == 1 + 25
    counts = [[cell.value for cell in row[4:]] for row in summary[1:]]
    assert all(isinstance(n, int) for row in counts for n in row)
    assert sum(sum(row) for row in counts) == 30 * 25
