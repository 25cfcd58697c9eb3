"""The hall board for a screen in the venue: no login, opened with the kiosk link's token.

Neither the page nor its JSON is ever stored by a cache (``never_cache``: no-store), so the
screen always shows the scores as they are."""

from django.http import HttpResponseNotFound, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ..services.hall import board_for_token, board_state

REFRESH_SECONDS = 10


def _not_found():
    return HttpResponseNotFound(
        _("This board link does not exist or has been revoked."),
        content_type="text/plain; charset=utf-8",
    )


@never_cache
@require_safe
def board(request, token):
    found = board_for_token(token)
    if found is None:
        return _not_found()
    context = board_state(found)
    context["refresh_seconds"] = REFRESH_SECONDS
    return render(request, "contests/hall/board.html", context)


@never_cache
@require_safe
def board_data(request, token):
    found = board_for_token(token)
    if found is None:
        return _not_found()
    context = board_state(found)
    return JsonResponse(
        {
            "done": context["done"],
            "total": context["total"],
            "submitted": context["submitted"],
            "judges": context["judges"],
            "html": render_to_string("contests/hall/content.html", context, request=request),
        }
    )
