"""The organizer's kiosk links of an event: create one for a screen in the venue, switch the
provisional standings on or off, revoke it."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ...forms import HallBoardForm
from ...services import hall
from .base import event_for, organizer_required, refuse


@organizer_required
@require_POST
def board_create(request, pk):
    event = event_for(request, pk)
    form = HallBoardForm(request.POST)
    if not form.is_valid():
        return refuse(request, event, _("Check the board's label."), board_form=form)
    hall.create_board(
        event,
        request.user,
        label=form.cleaned_data["label"],
        show_standings=form.cleaned_data["show_standings"],
    )
    messages.success(request, _("Hall board link created: open it on the venue's screen."))
    return redirect(f"{event_url(event)}#hall")


@organizer_required
@require_POST
def board_standings(request, pk, board_pk):
    event = event_for(request, pk)
    board = get_object_or_404(event.hall_boards.live(), pk=board_pk)
    show = request.POST.get("show") == "1"
    hall.switch_standings(board, show, request.user)
    if show:
        messages.success(request, _("The board now shows the provisional standings."))
    else:
        messages.success(request, _("The board no longer shows the standings."))
    return redirect(f"{event_url(event)}#hall")


@organizer_required
@require_POST
def board_revoke(request, pk, board_pk):
    event = event_for(request, pk)
    board = get_object_or_404(event.hall_boards, pk=board_pk)
    hall.revoke_board(board, request.user)
    messages.success(request, _("Board link revoked: the screen no longer opens it."))
    return redirect(f"{event_url(event)}#hall")


def event_url(event):
    return reverse("contests:event", args=[event.pk])
