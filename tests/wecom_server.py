"""A stand-in for WeCom's server API on 127.0.0.1: ``gettoken``, ``message/send`` and the group
robots' ``webhook/send``, as the real one answers them, recording every request. Tests tell it
to expire its tokens, to refuse messages, or to refuse a robot's key."""

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

CORP_ID = "ww0123456789abcdef"
AGENT_ID = "1000002"
SECRET = "app-secret-for-tests"


class FakeWeCom:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []  # (path, query, body) in the order they arrived
        self.valid_tokens = set()
        self.send_error = None  # an errcode every message/send answers with, when set
        self.delay = 0  # seconds message/send waits before it answers
        self.refused_robot_keys = set()  # robot keys answered with 93000, as a removed robot's
        self._numbers = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def expire_tokens(self):
        """Every token issued so far is refused from now on, as after expires_in."""
        with self.lock:
            self.valid_tokens.clear()

    def calls(self, path):
        with self.lock:
            return [(query, body) for seen, query, body in self.requests if seen == path]

    @property
    def token_fetches(self):
        return len(self.calls("/cgi-bin/gettoken"))

    @property
    def messages(self):
        return [body for _query, body in self.calls("/cgi-bin/message/send")]

    def robot_url(self, key):
        """The webhook address of a robot of this server."""
        return f"{self.base_url}/cgi-bin/webhook/send?key={key}"

    def robot_posts(self, key=None):
        """What the robots received (each a request body), of one robot's key or of all."""
        return [
            body
            for query, body in self.calls("/cgi-bin/webhook/send")
            if key is None or query.get("key") == key
        ]

    def _answer_robot(self, query, body):
        if query.get("key") in self.refused_robot_keys:
            return {"errcode": 93000, "errmsg": "invalid webhook url"}
        if not isinstance(body, dict) or body.get("msgtype") not in ("text", "markdown"):
            return {"errcode": 40008, "errmsg": "invalid message type"}
        content = (body.get(body["msgtype"]) or {}).get("content", "")
        if not content or len(content.encode()) > 4096:
            return {"errcode": 40058, "errmsg": "content exceed max length"}
        return {"errcode": 0, "errmsg": "ok"}

    def _answer_gettoken(self, query):
        if query.get("corpid") != CORP_ID or query.get("corpsecret") != SECRET:
            return {"errcode": 40001, "errmsg": "invalid credential"}
        token = f"token-{next(self._numbers)}"
        with self.lock:
            self.valid_tokens.add(token)
        return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}

    def _answer_send(self, query, body):
        if self.delay:
            time.sleep(self.delay)
        with self.lock:
            valid = query.get("access_token") in self.valid_tokens
        if not valid:
            return {"errcode": 42001, "errmsg": "access_token expired"}
        if self.send_error is not None:
            return {"errcode": self.send_error, "errmsg": "refused by the test"}
        if not isinstance(body, dict) or str(body.get("agentid")) != AGENT_ID:
            return {"errcode": 40056, "errmsg": "invalid agentid"}
        return {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": "msg-1"}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, answer):
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _read(self):
                parts = urlsplit(self.path)
                query = {key: values[0] for key, values in parse_qs(parts.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                with fake.lock:
                    fake.requests.append((parts.path, query, body))
                return parts.path, query, body

            def do_GET(self):  # noqa: N802 - BaseHTTPRequestHandler's name
                path, query, _body = self._read()
                if path != "/cgi-bin/gettoken":
                    self.send_error(404)
                    return
                self._reply(fake._answer_gettoken(query))

            def do_POST(self):  # noqa: N802
                path, query, body = self._read()
                if path == "/cgi-bin/webhook/send":
                    self._reply(fake._answer_robot(query, body))
                    return
                if path != "/cgi-bin/message/send":
                    self.send_error(404)
                    return
                self._reply(fake._answer_send(query, body))

            def log_message(self, *args):
                pass

        return Handler
