"""Seasons and the curriculum plan: who teaches which craft where, and a new rotation."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.access import role_required
from core.refusals import Refused
from core.roles import CRAFTSMAN, MANAGER, TEACHER, is_manager

from ..forms import RotationForm
from ..models import PlanEntry, Season
from ..services.matrix import coverage_matrix
from ..services.rotation import preview_rotation, save_rotation


def _next_season(seasons, shown):
    """The season the rotation form offers first: the first not started yet, else the shown."""
    today = timezone.localdate()
    ahead = next((s for s in seasons if s.starts_on > today), None)
    chosen = ahead or shown
    return chosen.pk if chosen else None


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
            "rotation_form": RotationForm(initial={"season": _next_season(seasons, season)})
            if is_manager(request.user)
            else None,
        },
    )


@require_POST
@role_required(MANAGER)
def plan_generate(request):
    """One season's new rotation: first a preview of what changes (nothing saved), then,
    with ``confirm``, the previewed plan saved for that season only."""
    form = RotationForm(request.POST)
    preview = None
    if form.is_valid():
        season = form.cleaned_data["season"]
        per_round = form.cleaned_data["sessions_per_round"]
        try:
            if request.POST.get("confirm") == "yes":
                saved = save_rotation(season, per_round, form.cleaned_data["digest"], request.user)
                messages.success(
                    request,
                    _("The new plan of %(season)s is saved: %(n)d plan entries.")
                    % {"season": season.name, "n": len(saved.entries)},
                )
                return redirect(reverse("heritage:plan") + f"?season={season.pk}")
            preview = preview_rotation(season, per_round)
        except Refused as refusal:
            refusal.add_to(form)
    if preview is not None:
        form = RotationForm(
            initial={
                "season": preview.season.pk,
                "sessions_per_round": preview.sessions_per_round,
                "digest": preview.digest,
            }
        )
    return render(
        request,
        "heritage/plan_preview.html",
        {"form": form, "preview": preview},
        status=200 if preview is not None else 400,
    )
