"""Kindergartens, class groups and children loaded from one spreadsheet: all or nothing,
each fault named, and a second run updates without duplicating."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from heritage.models import AgeBand, Child, ClassGroup, Kindergarten
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADERS = ["幼儿园", "简称", "班级", "年龄段", "幼儿姓名", "照片同意", "入园日期"]
IMPORT = "heritage:kindergarten_import"
ROWS = [
    ["桃源幼儿园", "桃源幼", "大一班", "大班", "王小明", "是", "2025-09-01"],
    ["桃源幼儿园", "", "大一班", "", "李小红", "否", ""],
    ["桃源幼儿园", "", "小二班", "", "", "", ""],  # a class group without children yet
    ["明珠幼儿园", "明珠幼", "中一班", "中班", "陈小刚", "", "2025/9/1"],
]


def _xlsx(rows, headers=HEADERS, name="幼儿园.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def manager(db):
    return UserFactory(username="kg-manager", role="manager")


def test_a_good_file_creates_kindergartens_classes_and_children(client, manager):
    client.force_login(manager)
    assert reverse(IMPORT) in client.get(reverse("heritage:kindergartens")).content.decode()
    response = client.post(reverse(IMPORT), {"file": _xlsx(ROWS)}, follow=True)
    assert response.redirect_chain[-1] == (reverse("heritage:kindergartens"), 302)
    assert "2 所新幼儿园" in response.content.decode()
    taoyuan = Kindergarten.objects.get(name="桃源幼儿园")
    assert taoyuan.short_name == "桃源幼"
    assert set(taoyuan.class_groups.values_list("name", "age_band")) == {
        ("大一班", AgeBand.LARGE),
        ("小二班", AgeBand.SMALL),  # read from the class name
    }
    xiaoming = Child.objects.get(display_name="王小明")
    assert xiaoming.photo_consent is True
    assert xiaoming.active_from == datetime.date(2025, 9, 1)
    assert xiaoming.class_group.kindergarten == taoyuan
    assert Child.objects.get(display_name="陈小刚").class_group.age_band == AgeBand.MIDDLE
    assert Child.objects.count() == 3


def test_a_second_run_updates_and_duplicates_nothing(client, manager):
    client.force_login(manager)
    client.post(reverse(IMPORT), {"file": _xlsx(ROWS)})
    again = [row[:] for row in ROWS]
    again[1][5] = "是"  # 李小红's parents now agree to photos
    again.append(["明珠幼儿园", "", "中一班", "", "赵小军", "", ""])
    response = client.post(reverse(IMPORT), {"file": _xlsx(again)}, follow=True)
    assert "0 所新幼儿园" in response.content.decode()
    assert Kindergarten.objects.count() == 2
    assert ClassGroup.objects.count() == 3
    assert Child.objects.count() == 4
    assert Child.objects.get(display_name="李小红").photo_consent is True
    assert Child.objects.get(display_name="王小明").photo_consent is True  # unchanged


def test_bad_rows_name_their_row_and_column_and_nothing_is_saved(client, manager):
    rows = [row[:] for row in ROWS]
    rows[0][0] = ""  # row 2: no kindergarten
    rows[1][5] = "也许"  # row 3: neither yes nor no
    rows[3][3] = "托班"  # row 5: no such age band
    rows.append(["桃源幼儿园", "", "大一班", "", "李小红", "", ""])  # row 6 repeats row 3's child
    client.force_login(manager)
    response = client.post(reverse(IMPORT), {"file": _xlsx(rows)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "第 2 行，“幼儿园”列：此单元格为空。" in html
    assert "第 3 行，“照片同意”列：请填写“是”或“否”。" in html
    assert "第 5 行，“年龄段”列：年龄段请填写小班、中班或大班" in html
    assert "第 6 行，“幼儿姓名”列：该班的同一幼儿也在第 3 行。" in html
    assert not Kindergarten.objects.exists()
    assert not Child.objects.exists()


def test_a_missing_column_is_named(client, manager):
    client.force_login(manager)
    response = client.post(reverse(IMPORT), {"file": _xlsx([["桃源幼儿园"]], headers=["幼儿园"])})
    assert response.status_code == 400
    assert "第 1 行，“班级 / class group”列：表头中缺少这一列。" in response.content.decode()


def test_the_template_opens_with_the_headers_and_an_example(client, manager):
    client.force_login(manager)
    response = client.get(reverse("heritage:kindergarten_import_template", args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header_row = next(row for row in rows if row and row[0] == "幼儿园")
    assert header_row[:5] == ["幼儿园", "简称", "地址", "班级", "年龄段"]
    assert "幼儿姓名" in header_row and "照片同意" in header_row
    example = rows[rows.index(header_row) + 1]
    assert example[0] == "桃源幼儿园"
    csv = client.get(reverse("heritage:kindergarten_import_template", args=["csv"]))
    assert csv.status_code == 200
    assert "幼儿园" in csv.content.decode("utf-8-sig")


def test_the_template_file_imports_as_is(client, manager):
    client.force_login(manager)
    template = client.get(reverse("heritage:kindergarten_import_template", args=["csv"]))
    upload = SimpleUploadedFile("template.csv", template.content)
    response = client.post(reverse(IMPORT), {"file": upload})
    assert response.status_code == 302
    assert Child.objects.get().display_name == "王小明"


@pytest.mark.parametrize("role", ["teacher", "craftsman", "organizer", "mentor"])
def test_other_roles_cannot_import_or_download_the_template(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get(reverse(IMPORT)).status_code == 403
    assert client.post(reverse(IMPORT), {"file": _xlsx(ROWS)}).status_code == 403
    template = reverse("heritage:kindergarten_import_template", args=["xlsx"])
    assert client.get(template).status_code == 403
    assert not Kindergarten.objects.exists()


def test_the_admin_listing_offers_managers_the_import(client, manager):
    listing = reverse(Kindergarten.snippet_viewset.get_url_name("list"))
    client.force_login(manager)
    assert reverse(IMPORT) in client.get(listing).content.decode()
