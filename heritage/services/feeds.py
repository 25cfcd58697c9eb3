"""Private calendar feeds: a person's addresses, and the iCalendar of each (one event per
session, a stable UID, Asia/Shanghai times)."""

import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import ical
from core.roles import CRAFTSMAN, TEACHER, has_role, is_manager

from ..models import FeedToken, Kindergarten, Session

FEED_PAST_DAYS = 90
FEED_MAX_EVENTS = 2000
FEED_MAX_KINDERGARTENS = 50


def feeds_for(user):
    """The feeds a user may have, creating the missing ones (get-or-create, bounded)."""
    wanted = []
    if has_role(user, TEACHER):
        wanted.append((FeedToken.Kind.TEACHER, None))
    if has_role(user, CRAFTSMAN):
        wanted.append((FeedToken.Kind.CRAFTSMAN, None))
    kindergartens = (
        Kindergarten.objects.all()
        if is_manager(user)
        else Kindergarten.objects.filter(teachers=user)
    )
    for kindergarten in kindergartens.order_by("name")[:FEED_MAX_KINDERGARTENS]:
        wanted.append((FeedToken.Kind.KINDERGARTEN, kindergarten))
    existing = {
        (f.kind, f.kindergarten_id): f
        for f in FeedToken.objects.filter(owner=user, revoked_at__isnull=True).select_related(
            "kindergarten"
        )
    }
    feeds = []
    for kind, kindergarten in wanted:
        key = (kind, kindergarten.pk if kindergarten else None)
        feed = existing.get(key)
        if feed is None:
            feed = FeedToken.objects.create(kind=kind, owner=user, kindergarten=kindergarten)
        feeds.append(feed)
    return feeds


def revoke(feed):
    """The old address stops working; a new one of the same kind replaces it."""
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    return FeedToken.objects.create(
        kind=feed.kind, owner=feed.owner, kindergarten=feed.kindergarten
    )


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
    ).order_by("starts_at", "pk")[:FEED_MAX_EVENTS]


def build_calendar(feed, sessions, request):
    with translation.override(settings.LANGUAGE_CODE):
        title = f"非遗小匠人 · {feed_title(feed)}"
        calendar = ical.new_calendar(
            title,
            description=str(feed.get_kind_display()),
            source_url=request.build_absolute_uri(feed.get_absolute_url()),
        )
        for session in sessions:
            kindergarten = session.class_group.kindergarten
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
            summary = f"{session.craft.title} · {kindergarten.name}"
            if session.is_cancelled:
                summary = _("Cancelled: %(title)s") % {"title": summary}
            location = " ".join(
                part for part in (kindergarten.name, session.place, kindergarten.address) if part
            )
            calendar.add_component(
                ical.new_event(
                    uid=ical.make_uid("session", session.uid),
                    summary=summary,
                    starts_at=session.starts_at,
                    ends_at=session.ends_at,
                    changed_at=session.updated_at,
                    sequence=session.sequence,
                    location=location,
                    description="\n".join(lines),
                    cancelled=session.is_cancelled,
                )
            )
    return ical.to_ical(calendar)


def feed_title(feed):
    if feed.kind == FeedToken.Kind.KINDERGARTEN and feed.kindergarten:
        return feed.kindergarten.name
    return feed.owner.get_full_name() or feed.owner.get_username()
