"""Who may act on what: organizers on the contests they organise, judges on their sheets."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from core.roles import JUDGE, ORGANIZER, has_role, is_manager

from ..models import ContestPage, Event, Sheet


def can_organise(user):
    return user.is_authenticated and (is_manager(user) or has_role(user, ORGANIZER))


def can_judge(user):
    return user.is_authenticated and has_role(user, JUDGE)


def organised_contests(user):
    contests = ContestPage.objects.all()
    if is_manager(user):
        return contests
    if not has_role(user, ORGANIZER):
        return contests.none()
    return contests.filter(organizers=user)


def contest_for_organizer(user, pk):
    return get_object_or_404(organised_contests(user), pk=pk)


def event_for_organizer(user, pk):
    if not can_organise(user):
        raise Http404
    return get_object_or_404(Event.objects.for_organizer(user).select_related("contest"), pk=pk)


def sheet_for_judge(user, pk):
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        Sheet.objects.for_judge(user).select_related("event__contest", "judge"), pk=pk
    )
