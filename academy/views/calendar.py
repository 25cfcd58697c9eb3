"""The academy's activities as a public iCalendar feed."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core import ical

from ..models import ActivityPage

# The public feed keeps recent past activities, so they do not vanish from calendars at once.
ACTIVITY_FEED_PAST_DAYS = 14
ACTIVITY_FEED_MAX = 300
UNKNOWN_CHANGE = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


def _activity_changed_at(activity):
    """When the activity last changed; a fixed date for pages never published in the editor.

    Never "now": the feed must be the same bytes until something changes (ETag, 304).
    """
    return (
        activity.last_published_at
        or activity.latest_revision_created_at
        or activity.first_published_at
        or UNKNOWN_CHANGE
    )


@require_safe
def activities_ical(request):
    """The upcoming activities of the academy as an iCalendar feed (public, subscribable)."""
    now = timezone.now()
    activities = list(
        ActivityPage.objects.live()
        .public()
        .filter(starts_at__gte=now - datetime.timedelta(days=ACTIVITY_FEED_PAST_DAYS))
        .order_by("starts_at", "pk")[:ACTIVITY_FEED_MAX]
    )
    calendar = ical.new_calendar(
        _("Craftsman academy activities"),
        description=_("Classes, workshops and service visits of the craftsman academy."),
        source_url=request.build_absolute_uri(reverse("academy:activities_ical")),
    )
    for activity in activities:
        changed = _activity_changed_at(activity)
        calendar.add_component(
            ical.new_event(
                uid=ical.make_uid("academy-activity", activity.translation_key),
                summary=activity.title,
                starts_at=activity.starts_at,
                ends_at=activity.ends_at or activity.starts_at + datetime.timedelta(hours=2),
                changed_at=changed,
                sequence=activity.ical_sequence,
                location=activity.place,
                description=activity.summary,
                url=request.build_absolute_uri(activity.get_url(request) or "/"),
            )
        )
    last_modified = max((_activity_changed_at(a) for a in activities), default=None)
    return ical.calendar_response(
        request,
        ical.to_ical(calendar),
        "academy-activities.ics",
        private=False,
        last_modified=last_modified,
    )
