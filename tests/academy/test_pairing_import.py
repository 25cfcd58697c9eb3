"""Pairings imported from a spreadsheet: all or nothing, each fault named, repeatable."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from wagtail.models import ModelLogEntry

from academy.models import Pairing
from academy.services.imports import import_pairings
from core.spreadsheet_import import ImportRefused
from tests.factories import UserFactory
from tests.factories.academy import CompetencyFactory, LogEntryFactory, TradeFactory

pytestmark = pytest.mark.django_db

HEADERS = ["导师", "徒弟", "工种", "开始日期", "计划结束日期", "目标学时", "目标等级"]
IMPORT = "academy:pairing_import"


@pytest.fixture
def roster(db):
    """Four mentors (one pair of namesakes), twenty apprentices, two trades."""
    trade = TradeFactory(name="服装制版", slug="tailoring")
    CompetencyFactory(trade=trade, name="排料")
    CompetencyFactory(trade=trade, name="推版")
    TradeFactory(name="木雕", slug="carving")
    mentors = [
        UserFactory(username="chenmei", first_name="陈梅", role="mentor"),
        UserFactory(username="liuqiang", first_name="刘强", role="mentor"),
        UserFactory(username="wangjg1", first_name="王建国", role="mentor"),
        UserFactory(username="wangjg2", first_name="王建国", role="mentor"),
    ]
    apprentices = [
        UserFactory(username=f"tu{n:02d}", first_name=f"学徒{n:02d}", role="apprentice")
        for n in range(20)
    ]
    return {"trade": trade, "mentors": mentors, "apprentices": apprentices}


def _rows(roster, count=20, hours="200"):
    mentor_cells = ["陈梅", "liuqiang", "wangjg1", "WANGJG2"]  # by name, by login (any case)
    return [
        [
            mentor_cells[n % 4],
            f"学徒{n:02d}" if n % 2 else f"tu{n:02d}",
            "服装制版" if n % 3 else "carving",
            "2025-03-01",
            "2026/2/28",
            hours,
            "四级" if n % 2 else "3",
        ]
        for n in range(count)
    ]


def _xlsx(rows, headers=HEADERS, name="结对.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def _csv(rows, encoding, headers=HEADERS):
    text = "\r\n".join(",".join(row) for row in [headers, *rows]) + "\r\n"
    return SimpleUploadedFile("结对.csv", text.encode(encoding))


def test_twenty_rows_import_from_the_manager_page(client, manager, roster):
    client.force_login(manager)
    listing = client.get(reverse("academy:manager_pairings")).content.decode()
    assert reverse(IMPORT) in listing
    page = client.get(reverse(IMPORT))
    assert page.status_code == 200
    assert reverse("academy:pairing_import_template", args=["xlsx"]) in page.content.decode()
    response = client.post(reverse(IMPORT), {"file": _xlsx(_rows(roster))}, follow=True)
    assert response.redirect_chain[-1][1] == 302
    assert "20" in response.content.decode()
    assert Pairing.objects.count() == 20
    pairing = Pairing.objects.get(apprentice__username="tu01")
    assert pairing.mentor.username == "liuqiang"
    assert pairing.trade == roster["trade"]
    assert pairing.start == datetime.date(2025, 3, 1)
    assert pairing.planned_end == datetime.date(2026, 2, 28)
    assert (pairing.target_hours, pairing.target_level) == (Decimal("200"), 4)
    assert pairing.competencies.count() == 2  # the trade's whole framework
    assert Pairing.objects.get(apprentice__username="tu00").mentor.username == "chenmei"
    assert Pairing.objects.get(apprentice__username="tu03").mentor.username == "wangjg2"
    history = ModelLogEntry.objects.filter(action="wagtail.create", user=manager)
    assert history.count() == 20
    assert history.filter(object_id=str(pairing.pk), label=str(pairing)).exists()


def test_an_upload_without_a_file_or_of_another_kind_is_refused(client, manager, roster):
    client.force_login(manager)
    empty = client.post(reverse(IMPORT), {})
    assert empty.status_code == 400
    assert "必需字段" in empty.content.decode()
    response = client.post(reverse(IMPORT), {"file": SimpleUploadedFile("结对.pdf", b"%PDF-1.4")})
    assert response.status_code == 400
    assert "请上传 .csv 或 .xlsx 文件" in response.content.decode()
    assert not Pairing.objects.exists()


def test_a_bad_row_names_its_row_and_column_and_nothing_is_saved(client, manager, roster):
    rows = _rows(roster)
    rows[4][5] = "很多"  # row 6 of the file: the header is row 1
    rows[7][2] = "烹饪"  # row 9: unknown trade
    rows[9][3] = "2025-02-30"  # row 11: no such date
    rows[12][0] = "王建国"  # row 14: two mentors have this name
    client.force_login(manager)
    response = client.post(reverse(IMPORT), {"file": _xlsx(rows)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "第 6 行，“目标学时”列：学时请填 1 到 5000 之间的数字" in html
    assert "第 9 行，“工种”列：未知工种“烹饪”" in html
    assert "第 11 行，“开始日期”列：不是有效日期" in html
    assert "第 14 行，“导师”列：有 2 人名叫“王建国”：请改填登录名（wangjg1、wangjg2）" in html
    assert not Pairing.objects.exists()


def test_problems_name_row_and_column(roster):
    rows = _rows(roster, count=3)
    rows[1][1] = "无此人"
    with pytest.raises(ImportRefused) as refusal:
        import_pairings(_xlsx(rows))
    (problem,) = refusal.value.problems
    assert (problem.row, problem.column) == (3, "徒弟")
    assert not Pairing.objects.exists()


def test_importing_again_updates_the_same_pairings(client, manager, roster):
    client.force_login(manager)
    client.post(reverse(IMPORT), {"file": _xlsx(_rows(roster))})
    first = Pairing.objects.get(apprentice__username="tu05")
    response = client.post(reverse(IMPORT), {"file": _xlsx(_rows(roster, hours="240.5"))})
    assert response.status_code == 302
    assert Pairing.objects.count() == 20
    first.refresh_from_db()
    assert first.target_hours == Decimal("240.5")


def test_a_start_after_the_first_entry_is_refused_on_update(manager, roster):
    import_pairings(_xlsx(_rows(roster, count=2)))
    pairing = Pairing.objects.get(apprentice__username="tu00")
    LogEntryFactory(pairing=pairing, date=datetime.date(2025, 3, 10))
    rows = _rows(roster, count=2)
    rows[0][3] = "2025-04-01"
    with pytest.raises(ImportRefused) as refusal:
        import_pairings(_xlsx(rows))
    assert refusal.value.problems[0].column == "开始日期"
    pairing.refresh_from_db()
    assert pairing.start == datetime.date(2025, 3, 1)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_csv_with_a_bom_or_in_gbk_is_read(client, manager, roster, encoding):
    client.force_login(manager)
    response = client.post(reverse(IMPORT), {"file": _csv(_rows(roster, count=5), encoding)})
    assert response.status_code == 302
    assert sorted(Pairing.objects.values_list("apprentice__first_name", flat=True)) == [
        f"学徒{n:02d}" for n in range(5)
    ]


def test_the_same_pairing_twice_in_a_file_is_refused(roster):
    rows = _rows(roster, count=2)
    rows.append(list(rows[0]))
    with pytest.raises(ImportRefused) as refusal:
        import_pairings(_xlsx(rows))
    assert "第 4 行，“徒弟”列：同一导师、徒弟和工种也出现在第 2 行" in str(refusal.value)
    assert not Pairing.objects.exists()


def test_the_template_downloads_with_the_chinese_headers(client, manager):
    client.force_login(manager)
    response = client.get(reverse("academy:pairing_import_template", args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == [*HEADERS, "工作室"]
    csv = client.get(reverse("academy:pairing_import_template", args=["csv"]))
    assert csv.content.decode("utf-8-sig").startswith(",".join(HEADERS))
    assert client.get(reverse("academy:pairing_import_template", args=["pdf"])).status_code == 404


def test_only_managers_import(client, roster):
    client.force_login(roster["mentors"][0])
    assert client.get(reverse(IMPORT)).status_code == 403
    response = client.post(reverse(IMPORT), {"file": _xlsx(_rows(roster))})
    assert response.status_code == 403
    assert client.get(reverse("academy:pairing_import_template", args=["xlsx"])).status_code == 403
    assert not Pairing.objects.exists()


def test_the_import_costs_the_same_queries_for_5_and_20_rows(roster):
    counts = []
    for count in (5, 20):
        Pairing.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            import_pairings(_xlsx(_rows(roster, count=count)))
        counts.append(len(queries))
    assert counts[0] == counts[1]
