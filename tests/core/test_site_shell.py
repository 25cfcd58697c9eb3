import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_speaks_chinese_by_default_whatever_the_browser(client, site_tree):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "我的工作台" not in html  # anonymous: no workspace link
    assert "登录" in html
    for title, href in (
        ("劳模工匠学院", "/academy/"),
        ("技能竞赛", "/contests/"),
        ("非遗小匠人", "/heritage/"),
    ):
        assert f'href="{href}"' in html
        assert title in html


def test_language_switch_gives_english_on_the_same_page(client, site_tree):
    html = client.get("/heritage/").content.decode()
    assert 'href="/en/heritage/"' in html
    response = client.get("/en/heritage/")
    english = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in english
    assert "Log in" in english
    assert 'href="/heritage/"' in english  # and back to Chinese
    assert 'href="/en/academy/"' in english  # navigation stays in English


@pytest.mark.parametrize("path", ["/academy/", "/contests/", "/heritage/"])
def test_each_section_page_is_served(client, site_tree, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.context["page"].live


def test_unknown_page_is_a_chinese_404(client, site_tree):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_english_404(client, site_tree):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_server_error_page_is_chinese(client, site_tree, user_factory, monkeypatch):
    def broken(request):
        raise RuntimeError("boom")

    monkeypatch.setattr("core.views.workspace_items", broken)
    client.raise_request_exception = False
    client.force_login(user_factory(username="unlucky"))
    response = client.get(reverse("core:workspace"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    assert "服务器错误" in response.content.decode()


def test_workspace_requires_login(client, site_tree):
    response = client.get(reverse("core:workspace"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_lands_on_the_workspace_with_the_role(client, site_tree, user_factory):
    user_factory(username="teacher-a", first_name="沈老师", role="teacher")
    response = client.post(
        reverse("login"), {"username": "teacher-a", "password": "secret-pass-123"}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("core:workspace")
    html = response.content.decode()
    assert "沈老师，欢迎您。" in html
    assert "幼儿园教师" in html


def test_wrong_password_is_refused_with_a_message(client, site_tree, user_factory):
    user_factory(username="someone")
    response = client.post(reverse("login"), {"username": "someone", "password": "nope"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_manager_workspace_links_to_the_admin(client, site_tree, user_factory):
    manager = user_factory(username="manager-a", role="manager")
    client.force_login(manager)
    html = client.get(reverse("core:workspace")).content.decode()
    assert 'href="/admin/"' in html


def test_manager_can_open_the_wagtail_admin(client, site_tree, user_factory):
    client.force_login(user_factory(username="manager-b", role="manager"))
    response = client.get("/admin/")
    assert response.status_code == 200
    response = client.get(f"/admin/pages/{site_tree.home.pk}/")
    assert response.status_code == 200
    assert "劳模工匠学院" in response.content.decode()


def test_teacher_cannot_open_the_wagtail_admin(client, site_tree, user_factory):
    client.force_login(user_factory(username="teacher-b", role="teacher"))
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    assert "/admin/login/" in response.get("Location", "/admin/login/")


def test_logout_is_a_post_and_returns_home(client, site_tree, user_factory):
    client.force_login(user_factory(username="leaver"))
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_workspace_says_what_the_role_does(client, site_tree, user_factory):
    client.force_login(user_factory(username="judge-a", role="judge"))
    html = client.get(reverse("core:workspace")).content.decode()
    assert "评委" in html
    assert "录入分配给您的选手的成绩" in html


def test_password_change_refuses_a_wrong_old_password(client, site_tree, user_factory):
    user = user_factory(username="changer")
    client.force_login(user)
    response = client.post(
        reverse("core:password_change"),
        {
            "old_password": "wrong",
            "new_password1": "N3w-pass-2024!",
            "new_password2": "N3w-pass-2024!",
        },
    )
    assert response.status_code == 400  # refused forms answer 400 (the form fuzz found 200)
    assert "旧密码不正确" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("secret-pass-123")


def test_password_change_works_and_says_so(client, site_tree, user_factory):
    user = user_factory(username="changer2")
    client.force_login(user)
    response = client.post(
        reverse("core:password_change"),
        {
            "old_password": "secret-pass-123",
            "new_password1": "N3w-pass-2024!",
            "new_password2": "N3w-pass-2024!",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("core:workspace")
    assert "您的密码已修改。" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("N3w-pass-2024!")


def test_english_navigation_names_the_sections_in_english(client, site_tree):
    html = client.get("/en/").content.decode()
    assert '<a href="/en/academy/">Craftsman academy</a>' in html
    assert '<a href="/en/contests/">Skill contests</a>' in html
    assert '<a href="/en/heritage/">Heritage programme</a>' in html


def test_the_field_component_points_its_aria_references_at_real_elements():
    # Found by the site crawl: help texts had id "<id>_help" while Django's widgets announce
    # "<id>_helptext" and "<id>_error"; a group of checkboxes had <label for="">.
    from bs4 import BeautifulSoup
    from django import forms

    class Form(forms.Form):
        name = forms.CharField(help_text="Your name.")
        days = forms.MultipleChoiceField(
            choices=[("1", "Mon"), ("2", "Tue")], widget=forms.CheckboxSelectMultiple
        )

    form = Form(data={})
    html = "".join(form[name].as_field_group() for name in form.fields)
    soup = BeautifulSoup(html, "html.parser")
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    references = [
        ref
        for tag in soup.find_all(attrs={"aria-describedby": True})
        for ref in tag["aria-describedby"].split()
    ]
    assert {"id_name_helptext", "id_name_error", "id_days_error"} <= set(references)
    assert set(references) <= ids
    assert all(label.get("for") != "" for label in soup.find_all("label"))
    group = soup.find(attrs={"role": "group"})
    assert group["aria-labelledby"] in ids and "Days" in soup.find(id="id_days_label").text


def test_footer_shows_the_filing_numbers_and_one_site_name(client, site_tree):
    from wagtail.models import Site

    from core.models import SiteIdentity

    identity = SiteIdentity.for_site(Site.objects.get(is_default_site=True))
    identity.icp_number = "浙ICP备20240001号-1"
    identity.public_security_number = "浙公网安备 33028302000123号"
    identity.address = "奉化区南山路1号"
    identity.save()
    html = client.get("/heritage/").content.decode()
    assert 'href="https://beian.miit.gov.cn/"' in html and "浙ICP备20240001号-1" in html
    assert "code=33028302000123" in html and "奉化区南山路1号" in html
    assert html.count("奉化区劳模工匠学院") >= 3  # title, header and footer say the same name
    for other in ("奉化匠心", "奉化劳模工匠学院<"):
        assert other not in html
    english = client.get("/en/heritage/").content.decode()
    assert "Fenghua District Model Worker and Craftsman Academy" in english


def test_a_path_with_two_slashes_never_links_to_another_host(client, site_tree):
    response = client.get("/", PATH_INFO="//evil.example/heritage/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'href="//evil.example' not in html and "//evil.example/en/" not in html


def test_logging_out_of_the_admin_ends_the_session(client, user_factory):
    user = user_factory(username="editor", role="manager")
    client.force_login(user)
    session_key = client.cookies["sessionid"].value
    response = client.get("/admin/logout/")
    assert response.status_code == 302
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=session_key).exists()
    replay = type(client)()
    replay.cookies["sessionid"] = session_key
    assert replay.get("/admin/").status_code == 302


def test_pages_refuse_device_features_they_never_use(client, site_tree):
    policy = client.get("/")["Permissions-Policy"]
    assert "geolocation=()" in policy and "camera=()" in policy and "microphone=()" in policy
