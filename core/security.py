"""Who is asking, for the limits on logins and public forms.

Behind the site's own reverse proxy (``DJANGO_BEHIND_PROXY=1``, as the nginx site in
``deploy/`` sets it up) every request arrives from the proxy, so the visitor's address is the
last one the proxy appended to ``X-Forwarded-For``; otherwise it is the connection's address.
"""

from django.conf import settings
from django.shortcuts import render


def client_ip(request):
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a login that is paused: a page a person understands, 429."""
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
