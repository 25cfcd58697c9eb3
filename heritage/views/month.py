"""Month and season views of the sessions a teacher, craftsman or manager sees, optionally of
one kindergarten, with holidays and make-up working days labelled."""

import datetime

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.access import role_required, scoped_or_404
from core.refusals import Refused
from core.roles import CRAFTSMAN, TEACHER, is_manager

from ..models import Kindergarten, Season
from ..services.calendars import month_weeks, scoped_sessions, season_weeks


def _kindergarten(request):
    """The kindergarten asked for (in the user's scope, else 404); managers, who see every
    kindergarten, get the first one unless they ask."""
    kindergartens = Kindergarten.objects.for_user(request.user).order_by("name")
    raw = request.GET.get("kindergarten", "")
    if raw:
        if not raw.isdigit() or len(raw) > 9:
            raise Refused(_("Choose a kindergarten from the list."))
        return scoped_or_404(Kindergarten, request.user, pk=int(raw)), kindergartens
    if is_manager(request.user):
        return kindergartens.first(), kindergartens
    return None, kindergartens


def _choices(request, kindergartens):
    """The kindergartens to switch between: a teacher's own, or all for a manager."""
    return list(kindergartens.only("pk", "name")[:200])


@require_safe
@role_required(TEACHER, CRAFTSMAN)
def my_month(request):
    today = timezone.localdate()
    raw = request.GET.get("month", "")
    try:
        first = datetime.date.fromisoformat(f"{raw}-01") if raw else today.replace(day=1)
    except ValueError:
        first = None
    if first is None or not (2000 <= first.year <= 2100):
        raise Refused(_("The month must look like 2026-12."))
    kindergarten, kindergartens = _kindergarten(request)
    weeks, count, unknown = month_weeks(
        scoped_sessions(request.user, kindergarten), first.year, first.month
    )
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "heritage/my_month.html",
        {
            "month": first,
            "weeks": weeks,
            "count": count,
            "unknown_years": sorted(unknown),
            "previous_month": previous,
            "next_month": following,
            "this_month": first == today.replace(day=1),
            "kindergarten": kindergarten,
            "kindergartens": _choices(request, kindergartens),
            "is_manager": is_manager(request.user),
            "keep": [("month", first.strftime("%Y-%m"))],
        },
    )


@require_safe
@role_required(TEACHER, CRAFTSMAN)
def my_season(request):
    seasons = list(Season.objects.order_by("starts_on"))
    raw = request.GET.get("season", "")
    if raw:
        season = next((s for s in seasons if str(s.pk) == raw), None)
        if season is None:
            raise Refused(_("Choose a season from the list."), status=404)
    else:
        season = Season.current()
    kindergarten, kindergartens = _kindergarten(request)
    weeks, count, unknown = (
        season_weeks(scoped_sessions(request.user, kindergarten), season)
        if season
        else ([], 0, set())
    )
    return render(
        request,
        "heritage/my_season.html",
        {
            "season": season,
            "seasons": seasons,
            "weeks": weeks,
            "count": count,
            "unknown_years": sorted(unknown),
            "kindergarten": kindergarten,
            "kindergartens": _choices(request, kindergartens),
            "is_manager": is_manager(request.user),
            "keep": [("season", season.pk)] if season else [],
        },
    )
