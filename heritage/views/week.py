"""My week: a teacher's or craftsman's sessions of one week, Monday to Sunday."""

import datetime

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.access import role_required, scoped
from core.refusals import Refused
from core.roles import CRAFTSMAN, MANAGER, TEACHER, has_role

from ..models import Session
from ..services.scheduling import week_bounds, week_sessions


def parse_day(value, default):
    if not value:
        return default
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


@require_safe
@role_required(TEACHER, CRAFTSMAN)
def my_week(request):
    today = timezone.localdate()
    day = parse_day(request.GET.get("week"), today)
    if day is None or not (2000 <= day.year <= 2100):
        raise Refused(_("The week must be a date like 2025-03-10."))
    monday, _start, end = week_bounds(day)
    sessions = week_sessions(request.user, day)
    next_session = None
    if not sessions:  # an empty week: say when the next class is, so nobody pages week by week
        next_session = (
            scoped(Session, request.user)
            .active()
            .filter(starts_at__gte=end)
            .order_by("starts_at")
            .only("starts_at")
            .first()
        )
    days = []
    for offset in range(7):
        date = monday + datetime.timedelta(days=offset)
        todays = [s for s in sessions if timezone.localdate(s.starts_at) == date]
        if todays or offset < 5:
            days.append({"date": date, "sessions": todays, "is_today": date == today})
    can_schedule = has_role(request.user, TEACHER, MANAGER)
    return render(
        request,
        "heritage/my_week.html",
        {
            "days": days,
            "monday": monday,
            "sunday": monday + datetime.timedelta(days=6),
            "previous_week": monday - datetime.timedelta(days=7),
            "next_week": monday + datetime.timedelta(days=7),
            "this_week": monday <= today < monday + datetime.timedelta(days=7),
            "can_schedule": can_schedule,
            "is_craftsman": has_role(request.user, CRAFTSMAN),
            "count": len(sessions),
            "next_session": next_session,
        },
    )
