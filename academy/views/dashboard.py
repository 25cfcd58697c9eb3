"""My pairings: a mentor's apprentices, an apprentice's mentor."""

from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.access import role_required
from core.roles import APPRENTICE, MENTOR, is_manager

from ..models import LogEntry, Pairing
from ..pagination import paginate


@role_required(MENTOR, APPRENTICE)
@require_safe
def dashboard(request):
    """My pairings: a mentor's apprentices, an apprentice's mentor, with progress at a glance.

    Each card carries its hours bar and its flags (stale, entries to confirm, ready to
    complete, past the planned end), all from the annotated totals: no query per card.
    """
    user = request.user
    mine = Pairing.objects.filter(Q(mentor=user) | Q(apprentice=user))
    pairings = (
        mine.with_totals()
        .select_related("mentor", "apprentice", "trade", "studio")
        .order_by("status", "-start", "pk")
    )
    page = paginate(request, pairings, per_page=20)
    return render(
        request,
        "academy/dashboard.html",
        {
            "pairings": page,
            "is_manager": is_manager(user),
            "to_confirm": LogEntry.objects.filter(
                pairing__apprentice=user, confirmed_at__isnull=True
            ).count(),
        },
    )
