"""Managers keep staff accounts without a shell: a spreadsheet import (all or nothing,
repeatable), the accounts pages (role, scope, deactivation), and a one-time first-login link
with which each person chooses their own password."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.http import urlsafe_base64_decode
from openpyxl import Workbook, load_workbook

from heritage.models import CraftPage, Kindergarten
from tests.factories import UserFactory
from tests.factories.heritage import KindergartenFactory, make_craft

pytestmark = pytest.mark.django_db

User = get_user_model()
HEADERS = ["姓名", "账号", "邮箱", "角色", "范围"]
IMPORT = "core:staff_import"
PASSWORD = "a-long-fresh-passphrase-42"


@pytest.fixture
def places(site_tree):
    programme = site_tree.sections["heritage.ProgrammePage"]
    return {
        "kg": KindergartenFactory(name="桃源幼儿园", short_name="桃源幼"),
        "kg2": KindergartenFactory(name="明珠幼儿园", short_name="明珠幼"),
        "craft": make_craft(programme, title="蓝印扎染"),
        "craft2": make_craft(programme, title="竹编"),
    }


@pytest.fixture
def manager(db):
    return UserFactory(username="accounts-manager", role="manager")


def _xlsx(rows, headers=HEADERS):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("账号.xlsx", buffer.getvalue())


ROWS = [
    ["沈老师", "shen", "shen@example.cn", "教师", "桃源幼儿园"],
    ["应师傅", "ying", "", "非遗传承人", "蓝印扎染、竹编"],
    ["陈梅", "chenmei", "", "mentor、评委", ""],
    ["钱组织", "qian", "", "Contest organizer", ""],
]


def _links(html):
    return re.findall(r'value="(http://testserver/accounts/first-login/[^"]+)"', html)


def test_a_good_file_creates_accounts_with_role_scope_and_first_login_links(
    client, manager, places, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(IMPORT), {"file": _xlsx(ROWS)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "新建 4 个账号，更新 0 个" in html
    assert len(_links(html)) == 4
    shen = User.objects.get(username="shen")
    assert shen.get_full_name() == "沈老师"
    assert not shen.has_usable_password()
    assert list(shen.groups.values_list("name", flat=True)) == ["teacher"]
    assert list(shen.kindergartens.all()) == [places["kg"]]
    ying = User.objects.get(username="ying")
    assert set(CraftPage.objects.filter(craftsman=ying)) == {places["craft"], places["craft2"]}
    # The craftsman is in the pages' latest revision too: a later publish keeps him.
    craft = CraftPage.objects.get(pk=places["craft"].pk)
    assert craft.get_latest_revision_as_object().craftsman == ying
    assert craft.live and not craft.has_unpublished_changes
    assert set(User.objects.get(username="chenmei").groups.values_list("name", flat=True)) == {
        "mentor",
        "judge",
    }
    assert User.objects.get(username="qian").groups.get().name == "organizer"
    # Only the row with an address is emailed its link.
    assert [message.to for message in mail.outbox] == [["shen@example.cn"]]
    assert "/accounts/first-login/" in mail.outbox[0].body


def test_a_second_run_updates_and_duplicates_nothing(client, manager, places):
    client.force_login(manager)
    client.post(reverse(IMPORT), {"file": _xlsx(ROWS)})
    again = [row[:] for row in ROWS]
    again[0][0] = "沈佳老师"
    again[0][4] = "明珠幼儿园"
    again[2][3] = "导师"
    response = client.post(reverse(IMPORT), {"file": _xlsx(again)})
    assert "新建 0 个账号，更新 4 个" in response.content.decode()
    assert User.objects.filter(username__in=["shen", "ying", "chenmei", "qian"]).count() == 4
    shen = User.objects.get(username="shen")
    assert shen.first_name == "沈佳老师"
    assert list(shen.kindergartens.all()) == [places["kg2"]]
    assert list(User.objects.get(username="chenmei").groups.values_list("name", flat=True)) == [
        "mentor"
    ]


def test_bad_rows_name_their_row_and_column_and_nothing_is_saved(client, manager, places):
    rows = [row[:] for row in ROWS]
    rows[0][4] = "不存在幼儿园"  # row 2: unknown kindergarten
    rows[1][3] = "校长"  # row 3: unknown role
    rows[2][0] = ""  # row 4: no name
    rows.append(["另一个", "shen", "", "教师", ""])  # row 6: the same login as row 2
    rows.append(["某人", "manager2", "not-an-email", "评委", "桃源幼儿园"])  # row 7
    client.force_login(manager)
    response = client.post(reverse(IMPORT), {"file": _xlsx(rows)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "第 2 行，“范围”列：未知幼儿园“不存在幼儿园”" in html
    assert "第 3 行，“角色”列：未知角色“校长”" in html
    assert "第 4 行，“姓名”列：此单元格为空。" in html
    assert "第 6 行，“账号”列：账号 shen 也在第 2 行。" in html
    assert "第 7 行，“邮箱”列：不是有效的电子邮箱地址。" in html
    assert "第 7 行，“范围”列：这些角色没有范围" in html
    assert not User.objects.filter(username__in=["shen", "ying", "chenmei", "qian"]).exists()
    assert not Kindergarten.objects.get(name="桃源幼儿园").teachers.exists()


def test_a_manager_account_is_not_changed_from_a_file(client, manager, places):
    client.force_login(manager)
    response = client.post(
        reverse(IMPORT), {"file": _xlsx([["改名", manager.username, "", "评委", ""]])}
    )
    assert response.status_code == 400
    assert "这是管理员账号，不能通过文件修改。" in response.content.decode()
    manager.refresh_from_db()
    assert manager.groups.get().name == "manager"


def test_the_template_opens_with_the_headers(client, manager):
    client.force_login(manager)
    response = client.get(reverse("core:staff_import_template", args=["xlsx"]))
    assert response.status_code == 200
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active]
    header_row = next(row for row in rows if row and row[0] == "姓名")
    assert header_row == HEADERS
    assert rows[rows.index(header_row) + 1][3] == "教师"
    csv_template = client.get(reverse("core:staff_import_template", args=["csv"]))
    assert csv_template.status_code == 200 and csv_template.content.startswith(b"\xef\xbb\xbf")
    assert client.get(reverse("core:staff_import_template", args=["pdf"])).status_code == 404


def test_the_first_login_link_sets_the_password_once(client, manager, places):
    client.force_login(manager)
    html = client.post(reverse(IMPORT), {"file": _xlsx(ROWS[:1])}).content.decode()
    link = _links(html)[0].removeprefix("http://testserver")
    person = Client()
    form = person.get(link, follow=True)
    assert "设置您的密码" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    weak = person.post(set_url, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 400
    done = person.post(set_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("login")
    assert person.login(username="shen", password=PASSWORD)
    again = Client().get(link, follow=True)
    assert "此链接已失效" in again.content.decode()
    Client().post(link, {"new_password1": "x" * 20, "new_password2": "x" * 20})
    assert Client().login(username="shen", password=PASSWORD)


def test_a_manager_creates_scopes_and_deactivates_an_account(client, manager, places):
    client.force_login(manager)
    response = client.post(
        reverse("core:account_new"),
        {
            "first_name": "顾老师",
            "username": "gu",
            "email": "",
            "roles": ["teacher"],
            "scope_teacher": [places["kg2"].pk],
        },
    )
    gu = User.objects.get(username="gu")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:account_link", args=[gu.pk])
    assert list(gu.kindergartens.all()) == [places["kg2"]]
    page = client.get(response["Location"])
    link = _links(page.content.decode())[0]
    uid, token = link.rstrip("/").split("/")[-2:]
    assert link == "http://testserver" + reverse("core:first_login", args=[uid, token])
    assert urlsafe_base64_decode(uid).decode() == str(gu.pk)
    assert default_token_generator.check_token(gu, token)
    listing = client.get(reverse("core:accounts")).content.decode()
    assert "gu" in listing and "明珠幼儿园" in listing and "等待首次登录" in listing
    # Re-scoped, then deactivated: the row stays and the person can no longer log in.
    gu.set_password(PASSWORD)
    gu.save()
    client.post(
        reverse("core:account_edit", args=[gu.pk]),
        {
            "first_name": "顾老师",
            "username": "gu",
            "email": "",
            "roles": ["teacher"],
            "scope_teacher": [places["kg"].pk],
            "is_active": "on",
        },
    )
    assert list(gu.kindergartens.all()) == [places["kg"]]
    response = client.post(reverse("core:account_deactivate", args=[gu.pk]), follow=True)
    assert "已停用账号 gu" in response.content.decode()
    gu.refresh_from_db()
    assert gu.is_active is False
    assert not Client().login(username="gu", password=PASSWORD)
    login = Client().post(reverse("login"), {"username": "gu", "password": PASSWORD})
    assert login.status_code == 200  # the form again: no session
    assert "_auth_user_id" not in login.client.session


def test_a_refused_account_form_answers_400(client, manager):
    client.force_login(manager)
    response = client.post(reverse("core:account_new"), {"username": "bad name!", "roles": []})
    assert response.status_code == 400
    assert not User.objects.filter(username="bad name!").exists()


def test_managers_accounts_are_not_on_the_accounts_pages(client, manager):
    other = UserFactory(username="other-manager", role="manager")
    client.force_login(manager)
    assert "other-manager" not in client.get(reverse("core:accounts")).content.decode()
    assert client.get(reverse("core:account_edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("core:account_deactivate", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.is_active


@pytest.mark.parametrize("role", ["teacher", "craftsman", "mentor", "organizer", "judge"])
def test_other_roles_cannot_reach_the_accounts_pages(client, role):
    target = UserFactory(username="target", role="apprentice")
    client.force_login(UserFactory(role=role))
    for url in (
        reverse("core:accounts"),
        reverse("core:account_new"),
        reverse("core:account_edit", args=[target.pk]),
        reverse("core:account_link", args=[target.pk]),
        reverse(IMPORT),
        reverse("core:staff_import_template", args=["xlsx"]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("core:account_deactivate", args=[target.pk])).status_code == 403
    assert client.post(reverse(IMPORT), {"file": _xlsx(ROWS)}).status_code == 403
    target.refresh_from_db()
    assert target.is_active
    assert not User.objects.filter(username="shen").exists()


def test_the_admin_menu_offers_the_accounts_to_managers_only(client, manager):
    client.force_login(manager)
    assert reverse("core:accounts") in client.get("/admin/").content.decode()
    workspace = client.get(reverse("core:workspace")).content.decode()
    assert reverse("core:accounts") in workspace
    client.force_login(UserFactory(role="organizer"))  # organizers use the admin too
    assert reverse("core:accounts") not in client.get("/admin/").content.decode()
    assert reverse("core:accounts") not in client.get(reverse("core:workspace")).content.decode()
