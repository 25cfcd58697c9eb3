"""Enterprise WeChat (WeCom, 企业微信) app messages: a small client for its server API.

The app (WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_SECRET) gets an access token from ``gettoken``
and posts messages to ``message/send`` with it. The token is kept in the shared cache, one per
corp and app, until shortly before WeCom says it expires; WeCom limits how often a token may
be fetched, so every web and Celery process reuses the same one. A token WeCom no longer
accepts (revoked, or expired early) is dropped and fetched again, once per message.

A group robot (群机器人) is simpler: a webhook address with a key, copied from the group's
settings in WeCom, to which anyone holding the address may post a text or markdown message
(``send_robot_message``). It needs no app and no token; its key is as secret as the app's.

Every failure raises ``WeComError``, so a task that sends through the outbox
(``core.outbox``) is tried again later. Error texts never contain the secret, the token or a
robot's key: the outbox stores them in ``PendingTask.last_error``.
"""

import json
import logging
import re
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# errcode of a token WeCom does not accept: 40014 invalid, 42001 expired.
TOKEN_ERRORS = {40014, 42001}
# Fetch a new token this many seconds before WeCom says the old one expires.
TOKEN_MARGIN = 300
# WeCom cuts a text card's title past 128 bytes and its description past 512.
TITLE_BYTES = 128
DESCRIPTION_BYTES = 512
# WeCom refuses a robot's text or markdown content past 4096 bytes.
ROBOT_CONTENT_BYTES = 4096
ROBOT_PATH = "/cgi-bin/webhook/send"
# A robot's key as WeCom shows it: a UUID; letters, digits and hyphens in any case.
ROBOT_KEY = re.compile(r"\A[A-Za-z0-9-]{8,64}\Z")


class WeComError(Exception):
    """WeCom could not be reached, or answered with an error code (``errcode``)."""

    def __init__(self, message, errcode=None):
        super().__init__(message)
        self.errcode = errcode


def is_configured():
    """True when the corp, the app and its secret are all set."""
    return all(
        str(getattr(settings, name, "") or "").strip()
        for name in ("WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET")
    )


def _agent_id():
    try:
        return int(str(settings.WECOM_AGENT_ID).strip())
    except (TypeError, ValueError) as error:
        raise WeComError("WECOM_AGENT_ID must be the app's number (AgentId)") from error


def _token_key():
    return f"wecom:token:{settings.WECOM_CORP_ID}:{settings.WECOM_AGENT_ID}"


def _call(what, path, query, payload=None):
    """One request to WeCom; the decoded answer when its errcode is 0.

    ``what`` names the call in errors, which must not show the query (secret, token)."""
    base = getattr(settings, "WECOM_API_BASE", "") or "https://qyapi.weixin.qq.com"
    return _request(what, f"{base.rstrip('/')}{path}?{urlencode(query)}", payload)


def _request(what, url, payload=None):
    """GET ``url``, or POST ``payload`` as JSON to it; the answer when its errcode is 0."""
    data = None
    headers = {"Accept": "application/json"}
    if payload is not None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json; charset=utf-8"
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 - https base
    timeout = getattr(settings, "WECOM_TIMEOUT", 5)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read()
    except urllib.error.HTTPError as error:
        raise WeComError(f"WeCom {what}: HTTP {error.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise WeComError(f"WeCom {what}: cannot reach the server ({reason})") from None
    try:
        answer = json.loads(body)
    except ValueError:
        raise WeComError(f"WeCom {what}: the answer is not JSON") from None
    if not isinstance(answer, dict):
        raise WeComError(f"WeCom {what}: unexpected answer")
    errcode = answer.get("errcode", 0)
    if errcode != 0:
        message = answer.get("errmsg", "")
        raise WeComError(f"WeCom {what}: errcode {errcode} {message}".strip(), errcode=errcode)
    return answer


def access_token(refresh=False):
    """The app's access token, from the cache unless ``refresh`` or none is kept."""
    key = _token_key()
    if not refresh:
        token = cache.get(key)
        if token:
            return token
    answer = _call(
        "gettoken",
        "/cgi-bin/gettoken",
        {"corpid": settings.WECOM_CORP_ID, "corpsecret": settings.WECOM_SECRET},
    )
    token = answer.get("access_token")
    if not token:
        raise WeComError("WeCom gettoken: no access_token in the answer")
    try:
        expires_in = int(answer.get("expires_in", 7200))
    except (TypeError, ValueError):
        expires_in = 7200
    lifetime = expires_in - TOKEN_MARGIN if expires_in > 2 * TOKEN_MARGIN else expires_in // 2
    if lifetime > 0:
        cache.set(key, token, lifetime)
    return token


def send(message):
    """Post an app message (a dict with ``touser``, ``msgtype`` and its content); the answer.

    ``agentid`` is added. A token WeCom refuses is fetched again and the message sent once
    more."""
    if not is_configured():
        raise WeComError("WeCom is not configured (WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_SECRET)")
    payload = {**message, "agentid": _agent_id()}
    token = access_token()
    try:
        answer = _call("message/send", "/cgi-bin/message/send", {"access_token": token}, payload)
    except WeComError as error:
        if error.errcode not in TOKEN_ERRORS:
            raise
        logger.info("WeCom refused the cached token (errcode %s): fetching another", error.errcode)
        cache.delete(_token_key())
        token = access_token(refresh=True)
        answer = _call("message/send", "/cgi-bin/message/send", {"access_token": token}, payload)
    if answer.get("invaliduser"):
        # errcode 0, yet WeCom knows no such member: the message went nowhere.
        raise WeComError(f"WeCom message/send: unknown userid {answer['invaliduser']}")
    return answer


def _cut(text, limit):
    """``text`` shortened to at most ``limit`` bytes of UTF-8, never inside a character."""
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    return encoded[: limit - 3].decode(errors="ignore") + "…"


def send_textcard(userid, title, description, url, button=""):
    """A text card to one member: a title, a few lines, and a button that opens ``url``."""
    card = {
        "title": _cut(title, TITLE_BYTES),
        "description": _cut(description, DESCRIPTION_BYTES),
        "url": url,
    }
    if button:
        card["btntxt"] = button[:4]
    return send({"touser": userid, "msgtype": "textcard", "textcard": card})


def send_text(userid, content):
    """A plain text message to one member."""
    return send({"touser": userid, "msgtype": "text", "text": {"content": content}})


def _robot_origins():
    """Where robot webhooks may point: bare hosts over https, or whole origins
    (``http://127.0.0.1:8123``) such as a test server's."""
    allowed = getattr(settings, "WECOM_ROBOT_HOSTS", None) or ["qyapi.weixin.qq.com"]
    origins = set()
    for entry in allowed:
        entry = str(entry).strip().rstrip("/").lower()
        origins.add(entry if "://" in entry else f"https://{entry}")
    return origins


def validate_robot_url(url):
    """Refuse anything but a WeCom group robot's webhook address (ValidationError).

    Reminders with names and times go where this address points, so it must be WeCom's
    webhook itself, over https, with a key, and nothing else in it."""
    message = _(
        "Paste the robot's webhook address as WeCom shows it (群机器人 → 复制 Webhook 地址): "
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
    )
    try:
        parts = urlsplit(str(url).strip())
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        query = parse_qs(parts.query, keep_blank_values=True)
    except ValueError:
        raise ValidationError(message, code="invalid") from None
    if (
        origin not in _robot_origins()
        or parts.username
        or parts.password
        or parts.path != ROBOT_PATH
        or parts.fragment
        or set(query) != {"key"}
        or len(query["key"]) != 1
        or not ROBOT_KEY.match(query["key"][0])
    ):
        raise ValidationError(message, code="invalid")


def mask_robot_url(url):
    """A webhook address with its key hidden but for its last four signs, for lists."""
    if not url:
        return ""
    parts = urlsplit(url)
    key = parse_qs(parts.query).get("key", [""])[0]
    return f"{parts.scheme}://{parts.netloc}{parts.path}?key=…{key[-4:]}"


def send_robot_message(url, content, msgtype="markdown"):
    """Post ``content`` (markdown, or text) to a group robot's webhook; WeCom's answer.

    Content past 4096 bytes is cut, never inside a character. Raises ``WeComError`` when the
    address is not a robot's webhook, WeCom cannot be reached, or it answers an errcode
    (93000: the webhook's key is wrong or the robot was removed)."""
    if msgtype not in ("markdown", "text"):
        raise ValueError(f"a robot sends markdown or text, not {msgtype}")
    try:
        validate_robot_url(url)
    except ValidationError:
        raise WeComError("WeCom robot: the webhook address is not a WeCom robot's") from None
    payload = {"msgtype": msgtype, msgtype: {"content": _cut(content, ROBOT_CONTENT_BYTES)}}
    return _request("robot webhook/send", url.strip(), payload)
