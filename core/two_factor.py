"""Two-step login for the Wagtail admin: a password, then a code from an authenticator app.

A user turns it on by confirming a TOTP device (django-otp) with its first code. From then on,
each of their sessions must enter a current code before any admin page
(``core.middleware.SecondFactorMiddleware``); the site's own workspace is not affected. A user
without a confirmed device never meets any of this.
"""

from base64 import b32encode

from django.contrib.auth import logout
from django.db import transaction
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .refusals import Refused

# Wrong codes one session may enter on the verify page; the last one ends the session.
MAX_FAILURES = 5
FAILURES_SESSION_KEY = "two_factor_failures"

# The views a session that still owes its code may open under /admin/.
OPEN_BEFORE_VERIFYING = {
    "core_two_factor_verify",
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "admin_logout",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
}


class WrongCode(Refused):
    def __init__(self):
        super().__init__(
            _("That code is not right. Enter the 6-digit code your app shows now."),
            field="code",
        )


class SessionEnded(Exception):
    """Too many wrong codes: the session was logged out."""


SESSION_ENDED = _("Too many wrong codes: you have been logged out. Log in again to retry.")


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_second_factor(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def must_verify_user(user):
    """True for a logged-in user with a device whose session has not entered a code yet."""
    if user is None or not user.is_authenticated:
        return False
    if getattr(user, "is_verified", lambda: False)():
        return False
    return has_second_factor(user)


def must_verify(request):
    """True when this admin request waits for the code of the user's device."""
    match = request.resolver_match
    if match is None or match.view_name in OPEN_BEFORE_VERIFYING:
        return False
    return must_verify_user(getattr(request, "user", None))


def pending_device(user):
    """The unconfirmed device a setup shows: made on the first visit, the same one until its
    first code confirms it (so reloading the page keeps the QR code the app has scanned)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="admin", confirmed=False)
    return device


def qr_code_svg(device):
    """The device's otpauth:// address as an inline SVG QR code, drawn here. Black on white
    whatever the admin's theme, or a dark theme hides it from the phone's camera."""
    import segno  # only when a QR code is drawn

    qr = segno.make(device.config_url, error="m")
    svg = qr.svg_inline(scale=4, border=4, dark="#000", light="#fff")
    return mark_safe(svg)  # segno's own markup: nothing a user typed is in it


def secret_text(device):
    """The secret for typing by hand: base32 in groups of four, as apps show it."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def check_code(device, code):
    """The device, once ``code`` is its current code; raises WrongCode otherwise.

    django-otp refuses each code after a wrong one for a growing pause (1, 2, 4... seconds) and
    never accepts the same code twice."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _data = device.verify_is_allowed()
        # Refused only after the transaction: it keeps the failure django-otp counted.
        accepted = allowed and device.verify_token(code)
    if not allowed:
        raise Refused(
            _("Too many wrong codes in a row: wait a few seconds, then enter the code again."),
            field="code",
            status=429,
        )
    if not accepted:
        raise WrongCode()
    return device


def _mark_verified(request, device):
    request.session.pop(FAILURES_SESSION_KEY, None)
    request.session.cycle_key()
    otp_login(request, device)


def confirm_setup(request, code):
    """Turn two-step login on with the first code of the device the setup page shows."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("-pk").first()
    if device is None:
        raise Refused(_("Open this page again to get a new QR code."), field="code")
    device = check_code(device, code)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
    _mark_verified(request, device)
    return device


def verify_session(request, code):
    """Mark this session verified with a current code. The MAX_FAILURES-th wrong code in a row
    logs the session out and raises SessionEnded."""
    device = confirmed_device(request.user)
    if device is None:
        return
    try:
        device = check_code(device, code)
    except WrongCode:
        failures = request.session.get(FAILURES_SESSION_KEY, 0) + 1
        if failures >= MAX_FAILURES:
            logout(request)
            raise SessionEnded() from None
        request.session[FAILURES_SESSION_KEY] = failures
        raise
    _mark_verified(request, device)


def turn_off(request, code):
    """Remove the user's devices, once a current code proves the phone is still at hand."""
    device = confirmed_device(request.user)
    if device is not None:
        check_code(device, code)
    remove_devices(request.user)
    request.session.pop(DEVICE_ID_SESSION_KEY, None)


def remove_devices(user):
    """Every TOTP device of the user, confirmed or not; returns how many were removed."""
    deleted, _by_model = TOTPDevice.objects.filter(user=user).delete()
    return deleted
