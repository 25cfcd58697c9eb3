"""iCalendar feeds that Apple Calendar, Google Calendar, Outlook and Thunderbird subscribe to.

RFC 5545 with the RFC 7986 and common ``X-`` calendar properties those apps read:
VERSION, PRODID, CALSCALE, NAME/X-WR-CALNAME, REFRESH-INTERVAL/X-PUBLISHED-TTL,
X-WR-TIMEZONE; events in ``TZID=Asia/Shanghai`` with the VTIMEZONE that defines it;
DTSTAMP and LAST-MODIFIED in UTC. The body is deterministic (DTSTAMP is the event's last
change, not "now"), so its hash is a strong ETag and a calendar app polling an unchanged
feed gets 304 Not Modified.
"""

import datetime
import hashlib
import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from .spreadsheets import content_disposition

CONTENT_TYPE = "text/calendar; charset=utf-8"
REFRESH = datetime.timedelta(hours=1)
TIMEZONE_SINCE = datetime.date(2000, 1, 1)


def local_zone():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def uid_domain():
    """The domain in every UID: the site's configured address, never the request's Host.

    A UID must not change when the same feed is fetched under another host name (an IP
    address, a proxy), or every subscriber would see each event twice.
    """
    host = urlsplit(getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "").hostname
    return host or "jiangxin.localhost"


def make_uid(kind, key):
    return f"{kind}-{key}@{uid_domain()}"


def utc(value):
    return value.astimezone(datetime.UTC)


def new_calendar(name, description="", source_url=None):
    from icalendar import Calendar, vDuration  # a feed's first request pays, not every worker

    calendar = Calendar()
    calendar.add("prodid", "-//Fenghua District Federation of Trade Unions//jiangxin//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    if description:
        calendar.add("description", description)
        calendar.add("x-wr-caldesc", description)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))  # PT1H, as Outlook reads it
    if source_url:
        calendar.add("source", source_url, parameters={"VALUE": "URI"})
    return calendar


def new_event(
    *,
    uid,
    summary,
    starts_at,
    ends_at,
    changed_at,
    sequence=0,
    location="",
    description="",
    cancelled=False,
    url=None,
):
    tz = local_zone()
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", utc(changed_at))
    event.add("last-modified", utc(changed_at))
    event.add("sequence", int(sequence))
    event.add("dtstart", starts_at.astimezone(tz))
    event.add("dtend", ends_at.astimezone(tz))
    event.add("summary", summary)
    event.add("location", location or "")
    event.add("description", description or "")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    if url:
        event.add("url", url, parameters={"VALUE": "URI"})
    return event


def to_ical(calendar):
    calendar.add_missing_timezones(first_date=TIMEZONE_SINCE)
    return calendar.to_ical()


def calendar_response(request, body, filename, *, private, last_modified=None):
    """The feed with validators; 304 when the app already has this version."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    # Only the ETag decides: Last-Modified cannot see an event that left the feed.
    not_modified = get_conditional_response(request, etag=etag)
    response = not_modified or HttpResponse(body, content_type=CONTENT_TYPE)
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    response["Content-Disposition"] = content_disposition(filename, attachment=False)
    if private:
        # A private address: no shared cache keeps it, no search engine lists it.
        response["Cache-Control"] = "private, max-age=300"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
    else:
        response["Cache-Control"] = "public, max-age=900"
    response["X-Content-Type-Options"] = "nosniff"
    return response
