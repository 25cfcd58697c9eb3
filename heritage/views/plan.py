"""Seasons and the curriculum plan: who teaches which craft where, and a new rotation."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.access import role_required
from core.refusals import Refused
from core.roles import CRAFTSMAN, MANAGER, TEACHER, is_manager

from ..models import PlanEntry, Season
from ..services.matrix import coverage_matrix
from ..services.rotation import apply_rotation


@require_safe
@role_required(TEACHER, CRAFTSMAN)
def plan(request):
    seasons = list(Season.objects.all())
    season = None
    if request.GET.get("season"):
        try:
            season = next(s for s in seasons if s.pk == int(request.GET["season"]))
        except (ValueError, StopIteration) as error:
            # A filter value that names no season: the one answer for a bad filter, a 400.
            raise Refused(_("Choose a season from the list.")) from error
    season = season or Season.current()
    entries = (
        PlanEntry.objects.filter(season=season)
        .select_related("kindergarten", "craft", "craftsman")
        .order_by("round", "kindergarten__name")
        if season
        else PlanEntry.objects.none()
    )
    return render(
        request,
        "heritage/plan.html",
        {
            "seasons": seasons,
            "season": season,
            "entries": entries,
            "matrix": coverage_matrix(season),
            "is_manager": is_manager(request.user),
        },
    )


@require_POST
@role_required(MANAGER)
def plan_generate(request):
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that the plan is to be replaced."))
        return redirect("heritage:plan")
    try:
        count = apply_rotation()
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("A new rotation of %(n)d plan entries is saved.") % {"n": count}
        )
    return redirect("heritage:plan")
