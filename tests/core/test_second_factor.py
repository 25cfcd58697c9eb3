"""Two-step login: a manager turns on a TOTP device; the admin then asks each new session for
its code after the password. Users without a device, and the workspace, are not affected."""

import io
from base64 import b32encode
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils.html import escape
from django_otp import oath
from django_otp.oath import totp
from django_otp.plugins.otp_totp import models as totp_models
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.two_factor import MAX_FAILURES, SESSION_ENDED, WrongCode

pytestmark = pytest.mark.django_db

PASSWORD = "a long admin password 42"


class Clock:
    """The time django-otp reads, moved by hand: a code is accepted once, so a test that needs
    another waits for the app's next code (30 seconds later) without sleeping."""

    def __init__(self, monkeypatch):
        self.now = 1_700_000_000.0
        monkeypatch.setattr(totp_models, "time", SimpleNamespace(time=lambda: self.now))
        monkeypatch.setattr(oath, "time", lambda: self.now)

    def next_code(self):
        self.now += 30


@pytest.fixture
def clock(monkeypatch, settings):
    # django-otp pauses a second or more after a wrong code; the tests do not wait it out
    # except the one about the pause.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    return Clock(monkeypatch)


@pytest.fixture
def manager(user_factory):
    user = user_factory(username="manager-2fa", role="manager")
    user.set_password(PASSWORD)
    user.save()
    return user


def code(device):
    device.refresh_from_db()
    number = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{number:0{device.digits}d}"  # as the app shows it, leading zeros included


def wrong(device):
    return f"{(int(code(device)) + 1) % 1_000_000:06d}"


def password_login(user):
    client = Client()
    response = client.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def wrong_code_message():
    return escape(str(WrongCode().message))


def turn_on(client, user, clock):
    """Through the real pages: the setup page's device, confirmed with its current code."""
    response = client.get("/admin/2fa/")
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    response = client.post("/admin/2fa/", {"code": code(device)})
    assert response.status_code == 302
    clock.next_code()
    return TOTPDevice.objects.get(user=user, confirmed=True)


def test_without_a_device_the_password_alone_opens_the_admin(site_tree, manager):
    client = password_login(manager)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/pages/").status_code == 200
    assert not TOTPDevice.objects.exists()


def test_a_manager_turns_it_on_and_each_new_login_asks_for_the_code(
    site_tree, manager, clock, settings
):
    client = password_login(manager)
    account = client.get("/admin/account/").content.decode()
    assert 'href="/admin/2fa/"' in account

    page = client.get("/admin/2fa/")
    assert page.status_code == 200
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=manager)
    assert not device.confirmed
    assert "data-two-factor-qr" in html and "otpauth" not in html  # only inside the QR code
    secret = b32encode(device.bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html
    assert f"issuer={settings.WAGTAIL_SITE_NAME}" in unquote(device.config_url)
    # Reloading shows the same device, so the app's scan stays good.
    client.get("/admin/2fa/")
    assert TOTPDevice.objects.filter(user=manager).count() == 1

    response = client.post("/admin/2fa/", {"code": wrong(device)})
    assert response.status_code == 400
    assert wrong_code_message() in response.content.decode()
    response = client.post("/admin/2fa/", {"code": "12ab"})
    assert response.status_code == 400
    device.refresh_from_db()
    assert not device.confirmed

    response = client.post("/admin/2fa/", {"code": code(device)})
    assert response.status_code == 302 and response.url == "/admin/2fa/"
    device.refresh_from_db()
    assert device.confirmed
    # This session entered the code: the admin stays open.
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/pages/").status_code == 200

    clock.next_code()
    other = password_login(manager)
    for url in ("/admin/", "/admin/pages/"):
        response = other.get(url)
        assert response.status_code == 302
        assert response.url == f"/admin/2fa/verify/?next={url.replace('/', '%2F')}"
    # The workspace needs no code.
    assert other.get("/workspace/").status_code == 200

    verify = other.get("/admin/2fa/verify/?next=/admin/pages/")
    assert verify.status_code == 200
    assert 'name="code"' in verify.content.decode()
    response = other.post("/admin/2fa/verify/", {"code": wrong(device), "next": "/admin/pages/"})
    assert response.status_code == 400
    assert wrong_code_message() in response.content.decode()
    assert other.get("/admin/").status_code == 302

    response = other.post("/admin/2fa/verify/", {"code": code(device), "next": "/admin/pages/"})
    assert response.status_code == 302 and response.url == "/admin/pages/"
    assert other.get("/admin/pages/").status_code == 200
    assert other.get("/admin/").status_code == 200


def test_a_code_opens_one_session_only_once(site_tree, manager, clock):
    device = turn_on(password_login(manager), manager, clock)
    first, second = password_login(manager), password_login(manager)
    used = code(device)
    assert first.post("/admin/2fa/verify/", {"code": used}).status_code == 302
    assert second.post("/admin/2fa/verify/", {"code": used}).status_code == 400
    assert second.get("/admin/").status_code == 302


def test_five_wrong_codes_end_the_session(site_tree, manager, clock):
    device = turn_on(password_login(manager), manager, clock)
    client = password_login(manager)
    for _attempt in range(MAX_FAILURES - 1):
        assert client.post("/admin/2fa/verify/", {"code": wrong(device)}).status_code == 400
    response = client.post("/admin/2fa/verify/", {"code": wrong(device)}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/admin/login/")
    assert escape(str(SESSION_ENDED)) in response.content.decode()
    # Logged out: even the right code now leads to the login page.
    assert "_auth_user_id" not in client.session
    response = client.post("/admin/2fa/verify/", {"code": code(device)})
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_a_wrong_code_pauses_the_next_try(site_tree, manager, clock, settings):
    device = turn_on(password_login(manager), manager, clock)
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    client = password_login(manager)
    assert client.post("/admin/2fa/verify/", {"code": wrong(device)}).status_code == 400
    assert client.post("/admin/2fa/verify/", {"code": code(device)}).status_code == 429
    assert client.get("/admin/").status_code == 302


def test_the_next_address_stays_on_the_site(site_tree, manager, clock):
    device = turn_on(password_login(manager), manager, clock)
    client = password_login(manager)
    response = client.post(
        "/admin/2fa/verify/", {"code": code(device), "next": "https://elsewhere.example/"}
    )
    assert response.status_code == 302 and response.url == "/admin/"


def test_turning_it_off_needs_a_current_code(site_tree, manager, clock):
    client = password_login(manager)
    device = turn_on(client, manager, clock)
    page = client.get("/admin/2fa/")
    assert page.status_code == 200 and "data-two-factor-qr" not in page.content.decode()
    response = client.post("/admin/2fa/", {"code": wrong(device)})
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=manager).exists()
    assert client.post("/admin/2fa/", {"code": code(device)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert password_login(manager).get("/admin/").status_code == 200


def test_the_reset_command_removes_a_lost_device(site_tree, manager, clock):
    turn_on(password_login(manager), manager, clock)
    assert password_login(manager).get("/admin/").status_code == 302
    out = io.StringIO()
    call_command("reset_second_factor", manager.username, stdout=out)
    assert manager.username in out.getvalue()
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert password_login(manager).get("/admin/").status_code == 200


def test_the_setup_pages_need_admin_access(user_factory):
    client = Client()
    client.force_login(user_factory(username="apprentice-2fa", role="apprentice"))
    assert client.get("/admin/2fa/").status_code == 302
    assert not TOTPDevice.objects.exists()


def test_the_verify_page_and_its_assets_open_before_the_code(site_tree, manager, clock):
    turn_on(password_login(manager), manager, clock)
    client = password_login(manager)
    for url in ("/admin/2fa/verify/", "/admin/jsi18n/", "/admin/sprite/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/logout/").status_code == 302
    assert "_auth_user_id" not in client.session
