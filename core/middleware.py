import logging
import traceback
from urllib.parse import urlencode

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from .two_factor import must_verify

logger = logging.getLogger(__name__)

# What a tampered or truncated admin form raises deep inside Wagtail's form handling, while a
# widget reads the posted fields (``value_from_datadict``: chooser ids, StreamField counts,
# rich-text JSON). The same errors raised anywhere else are bugs, and answer 500.
MALFORMED_POST_ERRORS = (ValueError, KeyError, TypeError, ValidationError)
READING_POSTED_FIELDS = "value_from_datadict"


def raised_reading_posted_fields(exception):
    frames = traceback.extract_tb(exception.__traceback__)
    return any(frame.name == READING_POSTED_FIELDS for frame in frames)


class MalformedAdminPostMiddleware:
    """Answer a malformed admin form post with a 400 instead of a server error.

    Wagtail's editors build forms from hidden inputs (chooser ids, inline form ids, StreamField
    counts, rich-text JSON). A browser never sends them broken; a hand-made request can. Only
    an error raised while the posted fields are read is taken for one; any other is a bug.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.method != "POST" or not request.path.startswith("/admin/"):
            return None
        if not isinstance(exception, MALFORMED_POST_ERRORS):
            return None
        if not raised_reading_posted_fields(exception):
            return None
        logger.warning("Malformed admin post to %s: %r", request.path, exception)
        return render(request, "400.html", status=400)


# Features no page of the site uses; a page that is made to ask for one is refused by the browser.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
    )
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class SecondFactorMiddleware:
    """Send a user whose TOTP device this session has not yet seen a code from to the verify
    page, from any admin page but the few it needs (``core.two_factor.must_verify``).

    After django-otp's OTPMiddleware. Other users, and every page outside /admin/, pass."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = None

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if self.admin_prefix is None:
            self.admin_prefix = reverse("wagtailadmin_home")
        if not request.path.startswith(self.admin_prefix) or not must_verify(request):
            return None
        verify_url = reverse("core_two_factor_verify")
        return redirect(f"{verify_url}?{urlencode({'next': request.get_full_path()})}")


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own policy under the admin's URL prefixes.

    Everything else gets ``CONTENT_SECURITY_POLICY``; paths under
    ``CONTENT_SECURITY_POLICY_ADMIN_PREFIXES`` get ``CONTENT_SECURITY_POLICY_ADMIN``, unless
    the view chose its own with django-csp's decorators.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        prefixes = tuple(getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN_PREFIXES", ()))
        if (
            not report_only
            and parts.config is None
            and prefixes
            and request.path_info.startswith(prefixes)
        ):
            parts.config = dict(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])
        return parts
