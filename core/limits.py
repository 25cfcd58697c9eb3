"""Limits on the public forms (contest registration, objections), per visitor's address.

A form view calls :func:`count_post` before it looks at a post: every POST from an address
counts against that address's allowance for the form (django-ratelimit, in the shared cache:
Redis in production, so every web worker counts together). Past the allowance the view gets
``Refused`` with status 429 and a message saying when to try again; the view shows it on the
form it re-renders, and nothing is saved. The allowances are settings (``PUBLIC_FORM_LIMITS``).

The address is :func:`core.security.client_ip` (``X-Forwarded-For`` behind the site's proxy); an
IPv6 address counts with the rest of its /64, which one household or one machine usually has
whole. If the cache cannot be reached the post is let through (logged): people can still
register while Redis is down, and ``/healthz`` reports the outage.
"""

import datetime
import ipaddress
import logging

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from .refusals import Refused
from .security import client_ip

logger = logging.getLogger(__name__)

# Posts allowed per address: "count/period", period s, m, h or d (django-ratelimit's rates).
DEFAULT_LIMITS = {
    "contest-registration": "10/h",
    "contest-objection": "5/h",
}


def address_key(_group, request):
    """The address a post counts against: the client's IPv4 address, or its IPv6 /64."""
    address = client_ip(request) or ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def rate_of(form_name):
    limits = {**DEFAULT_LIMITS, **getattr(settings, "PUBLIC_FORM_LIMITS", {})}
    return limits[form_name]


def count_post(request, form_name):
    """Count this POST against its address's allowance for ``form_name``; raise ``Refused``
    (429) once the allowance is used up. GETs are not counted."""
    if request.method != "POST":
        return
    try:
        usage = get_usage(
            request,
            group=f"public-form:{form_name}",
            key=address_key,
            rate=rate_of(form_name),
            method="POST",
            increment=True,
        )
    except Exception:
        logger.warning("Form limits unavailable (cache unreachable): %s let through", form_name)
        return
    if not usage or not usage["should_limit"]:  # None: the cache did not count (fail open)
        return
    if usage["count"] == usage["limit"] + 1:  # once per address and period, not per post
        logger.warning("Form limit reached: %s from %s", form_name, address_key(None, request))
    retry_at = timezone.localtime() + datetime.timedelta(seconds=max(usage["time_left"], 1))
    raise Refused(
        _(
            "Too many forms were sent from your network address. Nothing was saved: please "
            "try again after %(time)s."
        )
        % {"time": retry_at.strftime("%H:%M")},
        status=429,
    )
