"""iCalendar feeds: one event per session, a stable UID, Asia/Shanghai times."""

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import FeedToken, Session

FEED_PAST_DAYS = 90
FEED_MAX_EVENTS = 2000


def sessions_for_feed(feed):
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    sessions = Session.objects.filter(starts_at__gte=since)
    if feed.kind == FeedToken.Kind.TEACHER:
        sessions = sessions.filter(teacher=feed.owner)
    elif feed.kind == FeedToken.Kind.CRAFTSMAN:
        sessions = sessions.filter(craftsman=feed.owner)
    else:
        sessions = sessions.filter(class_group__kindergarten=feed.kindergarten)
    # The owner must still be allowed to see these sessions (a teacher who left, say).
    sessions = sessions & Session.objects.for_user(feed.owner)
    return sessions.select_related(
        "lesson", "craft", "class_group__kindergarten", "craftsman"
    ).order_by("starts_at")[:FEED_MAX_EVENTS]


def build_calendar(feed, sessions, request):
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    host = request.get_host().split(":")[0] or "localhost"
    with translation.override(settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", "-//Fenghua heritage programme//jiangxin//ZH")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", f"非遗小匠人 · {feed_title(feed)}")
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
        for session in sessions:
            event = Event()
            event.add("uid", f"session-{session.uid}@{host}")
            event.add("summary", f"{session.craft.title} · {session.class_group.kindergarten.name}")
            event.add("dtstart", session.starts_at.astimezone(tz))
            event.add("dtend", session.ends_at.astimezone(tz))
            event.add("dtstamp", session.updated_at)
            event.add("last-modified", session.updated_at)
            event.add("location", f"{session.class_group.kindergarten.name} {session.place}")
            lines = [
                _("Lesson: %(lesson)s") % {"lesson": session.lesson.title},
                _("Class group: %(class)s") % {"class": session.class_group.name},
                _("Craftsman: %(name)s") % {"name": session.craftsman.get_full_name()},
            ]
            if session.lesson.materials:
                lines.append(
                    _("Materials: %(m)s") % {"m": "、".join(session.lesson.materials_list)}
                )
            if session.change_reason:
                lines.append(_("Note: %(reason)s") % {"reason": session.change_reason})
            event.add("description", "\n".join(lines))
            if session.is_cancelled:
                event.add("status", "CANCELLED")
            else:
                event.add("status", "CONFIRMED")
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feed_title(feed):
    if feed.kind == FeedToken.Kind.KINDERGARTEN and feed.kindergarten:
        return feed.kindergarten.name
    return feed.owner.get_full_name() or feed.owner.get_username()
