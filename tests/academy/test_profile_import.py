"""Model workers' and folk craftsmen's profiles from a spreadsheet: all or nothing, each
fault named, repeatable, as drafts unless the manager publishes them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from academy.models import ProfileIndexPage, ProfilePage
from academy.models.studios import Level
from tests.factories import UserFactory
from tests.factories.academy import TradeFactory

pytestmark = pytest.mark.django_db

HEADERS = ["姓名", "类别", "单位", "工种", "账号", "荣誉", "简介"]
IMPORT = "academy:profile_import"
ROWS = [
    [
        "王建国",
        "劳模",
        "某服装公司",
        "服装制版",
        "wangjg",
        "2019 省级 浙江省劳动模范；2016 区级 技术能手",
        "从事制版三十年。",
    ],
    ["李阿婆", "工匠", "", "木雕", "", "", ""],
]


@pytest.fixture
def index(site_tree):
    TradeFactory(name="服装制版", slug="tailoring")
    TradeFactory(name="木雕", slug="carving")
    UserFactory(username="wangjg", role="mentor")
    section = site_tree.sections["academy.AcademyPage"]
    return section.add_child(instance=ProfileIndexPage(title="劳模与工匠", slug="people"))


def _xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("人物.xlsx", buffer.getvalue())


def test_profiles_are_created_as_drafts_and_updated_on_a_second_run(client, manager, index):
    client.force_login(manager)
    response = client.post(reverse(IMPORT), {"file": _xlsx(ROWS)}, follow=True)
    assert "已导入为草稿：新建 2 个人物，更新 0 个" in response.content.decode()
    wang = ProfilePage.objects.get(title="王建国")
    assert not wang.live
    draft = wang.get_latest_revision_as_object()
    assert draft.kind == ProfilePage.Kind.MODEL_WORKER
    assert draft.person.username == "wangjg"
    assert draft.trade.name == "服装制版"
    assert [(h.year, h.level, h.title) for h in draft.honours.all()] == [
        (2019, Level.PROVINCIAL, "浙江省劳动模范"),
        (2016, Level.DISTRICT, "技术能手"),
    ]
    rows = [row[:] for row in ROWS]
    rows[0][2] = "新单位"
    response = client.post(reverse(IMPORT), {"file": _xlsx(rows), "publish": "on"}, follow=True)
    assert "已导入并发布：新建 0 个人物，更新 2 个" in response.content.decode()
    assert ProfilePage.objects.count() == 2
    wang = ProfilePage.objects.get(title="王建国")
    assert wang.live and wang.employer == "新单位"
    assert wang.honours.count() == 2
    assert client.get(wang.url).status_code == 200


def test_bad_rows_are_named_and_nothing_is_saved(client, manager, index):
    rows = [row[:] for row in ROWS]
    rows[0][1] = "校长"  # row 2: no such kind
    rows[1][5] = "很久以前 得过奖"  # row 3: an honour that cannot be read
    rows.append(["", "劳模", "", "", "", "", ""])  # row 4: no name
    client.force_login(manager)
    response = client.post(reverse(IMPORT), {"file": _xlsx(rows)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "第 2 行，“类别”列：请填写“劳模”或“工匠”。" in html
    assert "第 3 行，“荣誉”列：每项荣誉请写成" in html
    assert "第 4 行，“姓名”列：此单元格为空。" in html
    assert not ProfilePage.objects.exists()


def test_the_template_opens_with_the_headers(client, manager):
    client.force_login(manager)
    response = client.get(reverse("academy:profile_import_template", args=["xlsx"]))
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active]
    assert HEADERS in rows


@pytest.mark.parametrize("role", ["teacher", "mentor", "organizer"])
def test_other_roles_cannot_import_profiles(client, role, index):
    client.force_login(UserFactory(role=role))
    assert client.get(reverse(IMPORT)).status_code == 403
    assert client.post(reverse(IMPORT), {"file": _xlsx(ROWS)}).status_code == 403
    assert client.get(reverse("academy:profile_import_template", args=["csv"])).status_code == 403
    assert not ProfilePage.objects.exists()
