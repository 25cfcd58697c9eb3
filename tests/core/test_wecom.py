"""The WeCom client (core.wecom) against a local stand-in of WeCom's API."""

import time

import pytest

from core import wecom as client
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
    with pytest.raises(client.WeComError) as raised:
        _send("zhangsan", "无效")
    assert raised.value.errcode == 40014
    assert wecom.token_fetches == 2
    assert len(wecom.messages) == 2


def test_another_error_is_raised_without_fetching_a_token_again(wecom):
    wecom.send_error = 45009  # over the app's rate limit
    with pytest.raises(client.WeComError, match="45009"):
        _send("zhangsan", "太多")
    assert wecom.token_fetches == 1
    assert len(wecom.messages) == 1


def test_a_wrong_secret_is_an_error_that_does_not_show_the_secret(wecom, settings):
    settings.WECOM_SECRET = "not-the-secret"
    with pytest.raises(client.WeComError) as raised:
        _send("zhangsan", "无")
    assert raised.value.errcode == 40001
    assert "not-the-secret" not in str(raised.value)
    assert wecom.messages == []


def test_a_server_that_does_not_answer_fails_fast(wecom, settings):
    settings.WECOM_API_BASE = "http://127.0.0.1:1"  # nothing listens there
    started = time.monotonic()
    with pytest.raises(client.WeComError, match="cannot reach"):
        _send("zhangsan", "无")
    assert time.monotonic() - started < 3


def test_a_slow_answer_fails_after_the_timeout(wecom, settings):
    settings.WECOM_TIMEOUT = 0.3
    wecom.delay = 2
    started = time.monotonic()
    with pytest.raises(client.WeComError, match="message/send"):
        _send("zhangsan", "慢")
    assert time.monotonic() - started < 1.5


def test_a_long_description_is_cut_to_what_wecom_takes(wecom):
    client.send_textcard("zhangsan", "标题", "练" * 400, "https://jiangxin.example.cn/")
    description = wecom.messages[0]["textcard"]["description"]
    assert len(description.encode()) <= client.DESCRIPTION_BYTES
    assert description.endswith("…")


@pytest.mark.parametrize("missing", ["WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET"])
def test_configured_only_with_all_three_settings(wecom, settings, missing):
    assert client.is_configured()
    setattr(settings, missing, "")
    assert not client.is_configured()
    with pytest.raises(client.WeComError, match="not configured"):
        _send("zhangsan", "无")
    assert wecom.token_fetches == 0


def _send(userid, title):
    return client.send_textcard(userid, title, "说明", "https://jiangxin.example.cn/x/", "详情")
