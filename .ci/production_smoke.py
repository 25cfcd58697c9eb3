# ruff: noqa: S310, S603, S607 - a CI script: it calls the site over HTTP and the tools it installs
"""The production smoke test of .ci/production: run by the installed package's own Python, from
outside the checkout, against gunicorn, the worker and beat that script started.

It checks what an operator would after following the README: the home page and the three
sections answer 200; the first manager loads kindergartens from a spreadsheet; a certificate
issued through the site's code is drawn by the real worker, its QR code (read by zbarimg)
leads to the configured base URL and its PDF downloads; private files are refused to the
public; /healthz is ok, then failing (503) with the worker stopped and with the cache stopped,
while pages still answer."""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

BASE = os.environ["WAGTAILADMIN_BASE_URL"].rstrip("/")
TOKEN = os.environ["HEALTHZ_TOKEN"]


def fail(message):
    sys.exit(f"production smoke test: {message}")


def get(path, headers=None, timeout=20):
    request = urllib.request.Request(BASE + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


class Browser:
    """Just enough of a browser for a form post: cookies kept by hand (the production cookies are
    Secure, which urllib's cookie jar will not send over the plain HTTP used here)."""

    def __init__(self):
        self.cookies = {}

    def request(self, path, data=None, headers=None):
        headers = {**(headers or {}), "Referer": BASE + path}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(BASE + path, data=data, headers=headers)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.read().decode("utf-8", "replace"), response.headers

    def token(self, html):
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if not match:
            fail("no CSRF token on the form")
        return match.group(1)

    def post_form(self, path, fields, files=None):
        _status, html, _headers = self.request(path)
        fields = {"csrfmiddlewaretoken": self.token(html), **fields}
        boundary = "----jiangxin" + uuid.uuid4().hex
        body = b""
        for name, value in fields.items():
            body += (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            ).encode()
        for name, (filename, content, kind) in (files or {}).items():
            body += (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'
                ).encode()
                + content
                + b"\r\n"
            )
        body += f"--{boundary}--\r\n".encode()
        return self.request(
            path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def spreadsheet_import():
    """The first manager logs in and loads kindergartens, class groups and children from a
    CSV, as the README's "Loading real data" says."""
    browser = Browser()
    status, _html, headers = browser.post_form(
        "/accounts/login/",
        {"username": "manager", "password": os.environ["CI_SMOKE_MANAGER_PASSWORD"]},
    )
    if status != 302:
        fail(f"the manager's login answered {status}")
    rows = "幼儿园,班级,年龄段,幼儿姓名,照片同意\n"
    rows += "".join(f"城东幼儿园,大{n % 2 + 1}班,大班,孩子{n},是\n" for n in range(1, 21))
    status, html, headers = browser.post_form(
        "/app/heritage/kindergartens/import/",
        {},
        {"file": ("幼儿园.csv", "\ufeff".encode() + rows.encode(), "text/csv")},
    )
    if status != 302:
        fail(f"the kindergarten import answered {status}: {html[:2000]}")
    counts = (
        subprocess.run(
            [
                "django-admin",
                "shell",
                "-c",
                "from heritage.models import Child, ClassGroup, Kindergarten\n"
                "print(Kindergarten.objects.count(), ClassGroup.objects.count(),"
                " Child.objects.count())",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.splitlines()[-1]
        .split()
    )
    if counts != ["1", "2", "20"]:
        fail(f"after the import: kindergartens, class groups, children = {counts}")
    print("spreadsheet import: 1 kindergarten, 2 class groups, 20 children")


def wait_for(what, check, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(2)
    fail(f"{what}: not within {seconds} s")


def health():
    status, body, _headers = get("/healthz", {"X-Healthz-Token": TOKEN})
    return status, json.loads(body or b"{}")


def main():
    wait_for("gunicorn answers", lambda: get("/healthz")[0] in (200, 503), 60)

    for path in ("/", "/heritage/", "/academy/", "/contests/"):
        status, body, _headers = get(path)
        if status != 200:
            fail(f"{path} answered {status}")
        print(f"{path}: 200, {len(body)} bytes")

    spreadsheet_import()

    # A certificate issued by the site's own code: the outbox hands it to the real worker.
    code = subprocess.run(
        [
            "django-admin",
            "shell",
            "-c",
            "from core.certificates import issue_certificate\n"
            "from core.models import Certificate\n"
            "from django.contrib.auth import get_user_model\n"
            "from django.db import transaction\n"
            "with transaction.atomic():\n"
            "    c = issue_certificate(source=get_user_model().objects.get(username='manager'),"
            " kind=Certificate.Kind.CONTEST, recipient_name='测试证书', title='冒烟测试')\n"
            "print(c.code)",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]

    def drawn():
        return get(f"/verify/{code}/certificate.png")[0] == 200

    wait_for("the worker draws the certificate", drawn, 90)
    status, png, _headers = get(f"/verify/{code}/certificate.png")
    with tempfile.NamedTemporaryFile(suffix=".png") as image:
        image.write(png)
        image.flush()
        qr = subprocess.run(
            ["zbarimg", "--quiet", "--raw", image.name], capture_output=True, text=True
        ).stdout.strip()
    if not qr.startswith(BASE + "/"):
        fail(f"the certificate's QR code reads {qr!r}, not an address under {BASE}")
    status, pdf, headers = get(f"/verify/{code}/certificate.pdf")
    if status != 200 or not pdf.startswith(b"%PDF"):
        fail(f"the certificate PDF answered {status} ({headers.get('Content-Type')})")
    print(f"certificate {code}: drawn by the worker, QR {qr}, PDF {len(pdf)} bytes")

    for path in ("/media/certificates/", f"/media/certificates/{code}.pdf", "/media/x.jpg"):
        status, _body, _headers = get(path)
        if status != 404:
            fail(f"{path} answered {status} to the public")
    print("private files: 404 to the public")

    wait_for("a worker heartbeat (beat runs it every minute)", lambda: health()[0] == 200, 150)
    public = json.loads(get("/healthz")[1])
    if public != {"status": "ok"}:
        fail(f"/healthz tells the public {public}")
    print("/healthz: ok")

    os.kill(int(os.environ["CI_SMOKE_WORKER_PID"]), signal.SIGTERM)
    wait_for("/healthz failing with the worker stopped", lambda: health()[0] == 503, 150)
    status, checks = health()
    if checks["worker"]["ok"]:
        fail(f"/healthz is 503 but not for the worker: {checks}")
    print("/healthz: 503 with the worker stopped")

    os.kill(int(os.environ["CI_SMOKE_CACHE_PID"]), signal.SIGTERM)
    wait_for("/healthz failing for the cache", lambda: not health()[1]["cache"]["ok"], 30)
    for path in ("/", "/heritage/", "/academy/", "/contests/"):
        status, _body, _headers = get(path)
        if status != 200:
            fail(f"{path} answered {status} with the cache stopped")
    print("cache stopped: /healthz 503, pages still 200")


if __name__ == "__main__":
    main()
