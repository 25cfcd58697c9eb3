"""The WeCom client (core.wecom) against a local stand-in of WeCom's API, and the page where a
user enters their own WeCom userid."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import wecom as wecom_api
from core.models import WeComAccount
from tests import wecom_server


def test_one_token_serves_two_messages(wecom):
    first = _send("zhangsan", "第一条")
    second = _send("lisi", "第二条")
    assert first["errcode"] == 0 and second["errcode"] == 0
    assert wecom.token_fetches == 1
    messages = wecom.messages
    assert [message["touser"] for message in messages] == ["zhangsan", "lisi"]
    assert messages[0]["agentid"] == int(wecom_server.AGENT_ID)
    assert messages[0]["msgtype"] == "textcard"
    assert messages[0]["textcard"]["title"] == "第一条"
    assert messages[0]["textcard"]["url"] == "https://jiangxin.example.cn/x/"
    tokens = {query["access_token"] for query, _body in wecom.calls("/cgi-bin/message/send")}
    assert len(tokens) == 1


def test_an_expired_token_is_fetched_again_once_and_the_message_sent(wecom):
    _send("zhangsan", "之前")
    wecom.expire_tokens()
    answer = _send("zhangsan", "过期之后")
    assert answer["errcode"] == 0
    assert wecom.token_fetches == 2
    sent = wecom.calls("/cgi-bin/message/send")
    assert len(sent) == 3  # before, refused with 42001, and again with the new token
    assert sent[1][0]["access_token"] != sent[2][0]["access_token"]
    # The new token is the one kept: the next message fetches none.
    _send("zhangsan", "再一条")
    assert wecom.token_fetches == 2


def test_a_token_still_refused_after_a_new_one_is_not_tried_a_third_time(wecom):
    wecom.send_error = 40014
    with pytest.raises(wecom_api.WeComError) as raised:
        _send("zhangsan", "无效")
    assert raised.value.errcode == 40014
    assert wecom.token_fetches == 2
    assert len(wecom.messages) == 2


def test_another_error_is_raised_without_fetching_a_token_again(wecom):
    wecom.send_error = 45009  # over the app's rate limit
    with pytest.raises(wecom_api.WeComError, match="45009"):
        _send("zhangsan", "太多")
    assert wecom.token_fetches == 1
    assert len(wecom.messages) == 1


def test_a_wrong_secret_is_an_error_that_does_not_show_the_secret(wecom, settings):
    settings.WECOM_SECRET = "not-the-secret"
    with pytest.raises(wecom_api.WeComError) as raised:
        _send("zhangsan", "无")
    assert raised.value.errcode == 40001
    assert "not-the-secret" not in str(raised.value)
    assert wecom.messages == []


def test_a_server_that_does_not_answer_fails_fast(wecom, settings):
    settings.WECOM_API_BASE = "http://127.0.0.1:1"  # nothing listens there
    started = time.monotonic()
    with pytest.raises(wecom_api.WeComError, match="cannot reach"):
        _send("zhangsan", "无")
    assert time.monotonic() - started < 3


def test_a_slow_answer_fails_after_the_timeout(wecom, settings):
    settings.WECOM_TIMEOUT = 0.3
    wecom.delay = 2
    started = time.monotonic()
    with pytest.raises(wecom_api.WeComError, match="message/send"):
        _send("zhangsan", "慢")
    assert time.monotonic() - started < 1.5


def test_a_long_description_is_cut_to_what_wecom_takes(wecom):
    wecom_api.send_textcard("zhangsan", "标题", "练" * 400, "https://jiangxin.example.cn/")
    description = wecom.messages[0]["textcard"]["description"]
    assert len(description.encode()) <= wecom_api.DESCRIPTION_BYTES
    assert description.endswith("…")


@pytest.mark.parametrize("missing", ["WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET"])
def test_configured_only_with_all_three_settings(wecom, settings, missing):
    assert wecom_api.is_configured()
    setattr(settings, missing, "")
    assert not wecom_api.is_configured()
    with pytest.raises(wecom_api.WeComError, match="not configured"):
        _send("zhangsan", "无")
    assert wecom.token_fetches == 0


def _send(userid, title):
    return wecom_api.send_textcard(userid, title, "说明", "https://jiangxin.example.cn/x/", "详情")


PAGE = "/accounts/wecom/"


def test_the_account_page_saves_a_userid_and_says_so(client, site_tree, user_factory, wecom):
    user = user_factory(username="mentor-wang")
    client.force_login(user)
    page = client.get(reverse("core:wecom_account"))
    assert page.status_code == 200 and "企业微信账号" in page.content.decode()
    response = client.post(PAGE, {"userid": " WangGang.01@fh "}, follow=True)
    assert response.status_code == 200
    assert "通知将同时通过邮件和企业微信（WangGang.01@fh）发送" in response.content.decode()
    assert WeComAccount.objects.get(user=user).userid == "WangGang.01@fh"

    response = client.post(PAGE, {"userid": "wanggang"}, follow=True)
    assert WeComAccount.objects.get(user=user).userid == "wanggang"
    assert "通知发送至企业微信成员 wanggang。" in response.content.decode()


def test_the_account_page_refuses_a_userid_wecom_would_not_have(
    client, site_tree, user_factory, wecom
):
    user = user_factory(username="mentor-li")
    WeComAccount.objects.create(user=user, userid="lisi")
    client.force_login(user)
    for userid in ["王刚", "wang gang", "-wang", "a" * 65, "wang/gang", "li\nsi"]:
        response = client.post(PAGE, {"userid": userid})
        assert response.status_code == 400, userid
        html = response.content.decode()
        assert "企业微信账号由 1 至 64 个字母、数字及 _ - . @ 组成" in html, userid
        assert WeComAccount.objects.get(user=user).userid == "lisi"


def test_a_user_clears_their_userid(client, site_tree, user_factory, wecom):
    user = user_factory(username="mentor-zhao")
    WeComAccount.objects.create(user=user, userid="zhaoliu")
    client.force_login(user)
    response = client.post(PAGE, {"userid": "zhaoliu", "remove": "1"}, follow=True)
    assert "已停止企业微信通知" in response.content.decode()
    assert not WeComAccount.objects.filter(user=user).exists()


def test_a_user_only_ever_sets_their_own(client, site_tree, user_factory, wecom):
    me = user_factory(username="apprentice-me")
    other = user_factory(username="apprentice-other")
    WeComAccount.objects.create(user=other, userid="other-id")
    client.force_login(me)
    client.post(PAGE, {"userid": "taken-over", "user": other.pk, "user_id": other.pk})
    assert WeComAccount.objects.get(user=other).userid == "other-id"
    assert WeComAccount.objects.get(user=me).userid == "taken-over"
    # Nor does the page show another user's userid.
    client.force_login(user_factory(username="third"))
    assert "other-id" not in client.get(PAGE).content.decode()


def test_the_account_page_needs_a_login(client, site_tree, wecom):
    response = client.post(PAGE, {"userid": "nobody"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not WeComAccount.objects.exists()


def test_without_the_settings_the_page_says_the_channel_is_off(client, site_tree, user_factory):
    user = user_factory(username="mentor-off")
    client.force_login(user)
    page = client.get(PAGE).content.decode()
    assert "本站尚未开通企业微信通知" in page
    assert 'name="userid"' not in page
    assert client.post(PAGE, {"userid": "wanggang"}).status_code == 404
    assert not WeComAccount.objects.exists()
    assert PAGE not in client.get(reverse("core:workspace")).content.decode()
    assert PAGE not in client.get(reverse("core:password_change")).content.decode()


def test_the_workspace_and_password_page_link_to_it_when_configured(
    client, site_tree, user_factory, wecom
):
    client.force_login(user_factory(username="mentor-link"))
    assert PAGE in client.get(reverse("core:workspace")).content.decode()
    assert PAGE in client.get(reverse("core:password_change")).content.decode()


# ---------------------------------------------------------------- group robots

ROBOT_KEY = "693a91f6-7a0c-4bc4-97a0-0ec25b1f5aaa"


def test_a_robot_receives_markdown_at_its_webhook(wecom_robot):
    answer = wecom_api.send_robot_message(wecom_robot.robot_url(ROBOT_KEY), "**明天** 有课")
    assert answer["errcode"] == 0
    [post] = wecom_robot.robot_posts(ROBOT_KEY)
    assert post == {"msgtype": "markdown", "markdown": {"content": "**明天** 有课"}}


def test_a_robot_message_past_4096_bytes_is_cut_on_a_character(wecom_robot):
    wecom_api.send_robot_message(wecom_robot.robot_url(ROBOT_KEY), "课" * 2000, msgtype="text")
    [post] = wecom_robot.robot_posts(ROBOT_KEY)
    content = post["text"]["content"]
    assert len(content.encode()) <= 4096 and content.endswith("…")
    assert content.startswith("课课课")


def test_a_refused_robot_raises_with_the_errcode_and_without_the_key(wecom_robot):
    wecom_robot.refused_robot_keys.add(ROBOT_KEY)
    with pytest.raises(wecom_api.WeComError) as caught:
        wecom_api.send_robot_message(wecom_robot.robot_url(ROBOT_KEY), "有课")
    assert caught.value.errcode == 93000
    assert "93000" in str(caught.value) and ROBOT_KEY not in str(caught.value)


def test_an_unreachable_robot_fails_within_the_timeout(settings):
    settings.WECOM_ROBOT_HOSTS = ["http://127.0.0.1:9"]
    settings.WECOM_TIMEOUT = 1
    url = f"http://127.0.0.1:9/cgi-bin/webhook/send?key={ROBOT_KEY}"
    started = time.monotonic()
    with pytest.raises(wecom_api.WeComError, match="cannot reach"):
        wecom_api.send_robot_message(url, "x")
    assert time.monotonic() - started < 3


@pytest.mark.parametrize(
    "url",
    [
        f"http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={ROBOT_KEY}",  # not https
        f"https://qyapi.weixin.qq.com.evil.cn/cgi-bin/webhook/send?key={ROBOT_KEY}",
        f"https://evil.cn/cgi-bin/webhook/send?key={ROBOT_KEY}",
        f"https://user:pw@qyapi.weixin.qq.com/cgi-bin/webhook/send?key={ROBOT_KEY}",
        f"https://qyapi.weixin.qq.com/cgi-bin/message/send?key={ROBOT_KEY}",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=",
        f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={ROBOT_KEY}&debug=1",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a%20b%3Cscript%3E",
        "not a url",
    ],
)
def test_anything_but_a_robot_webhook_is_refused_and_never_requested(url, wecom_robot):
    with pytest.raises(ValidationError):
        wecom_api.validate_robot_url(url)
    with pytest.raises(wecom_api.WeComError, match="not a WeCom robot"):
        wecom_api.send_robot_message(url, "x")
    assert wecom_robot.requests == []


def test_wecoms_own_webhook_address_is_accepted_and_shown_masked():
    url = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={ROBOT_KEY}"
    wecom_api.validate_robot_url(url)
    masked = wecom_api.mask_robot_url(url)
    assert masked == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…5aaa"
    assert ROBOT_KEY[:-4] not in masked
