"""The craftsman's itinerary: where to go next, when, to teach what, and what to bring."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from core.access import role_required
from core.roles import CRAFTSMAN

from ..services.itinerary import ITINERARY_LENGTH, by_day, next_sessions


@require_safe
@role_required(CRAFTSMAN, managers=False)
def itinerary(request):
    sessions = next_sessions(request.user)
    return render(
        request,
        "heritage/itinerary.html",
        {
            "days": by_day(sessions),
            "today": timezone.localdate(),
            "count": len(sessions),
            "more": len(sessions) == ITINERARY_LENGTH,
        },
    )
