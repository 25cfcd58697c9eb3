"""Private calendar feeds: the subscription page, revoking an address, and the feed itself."""

import re

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core import ical
from core.access import role_required, scoped_or_404
from core.roles import CRAFTSMAN, TEACHER

from ..models import FeedToken
from ..services.feeds import build_calendar, feeds_for, revoke, sessions_for_feed

FEED_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")


@require_safe
@role_required(TEACHER, CRAFTSMAN)
def feeds(request):
    items = []
    for feed in feeds_for(request.user):
        url = request.build_absolute_uri(feed.get_absolute_url())
        webcal = "webcal://" + url.split("://", 1)[1]
        items.append({"feed": feed, "url": url, "webcal": webcal})
    return render(request, "heritage/feeds.html", {"items": items})


@require_POST
@role_required(TEACHER, CRAFTSMAN)
def feed_revoke(request, pk):
    feed = scoped_or_404(FeedToken.objects.filter(revoked_at__isnull=True), request.user, pk=pk)
    revoke(feed)
    messages.success(
        request, _("The old address no longer works. Subscribe again with the new one.")
    )
    return redirect("heritage:feeds")


@require_safe
def feed(request, token):
    # Tokens are URL-safe base64; anything else (a NUL byte, a pasted fragment) is unknown.
    if not FEED_TOKEN_RE.fullmatch(token):
        raise Http404
    feed = get_object_or_404(
        FeedToken.objects.select_related("owner", "kindergarten"),
        token=token,
        revoked_at__isnull=True,
    )
    if not feed.owner.is_active:
        raise Http404
    sessions = list(sessions_for_feed(feed))
    body = build_calendar(feed, sessions, request)
    changed = max((s.updated_at for s in sessions), default=feed.created_at)
    return ical.calendar_response(
        request, body, "heritage.ics", private=True, last_modified=changed
    )
