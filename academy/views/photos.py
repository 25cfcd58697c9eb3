"""Evidence photos: served within scope only, removed by the mentor."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from wagtail.images.exceptions import InvalidFilterSpecError
from wagtail.images.models import SourceImageIOError

from core import private_media
from core.access import role_required, scoped_or_404
from core.refusals import Refused
from core.roles import APPRENTICE, MENTOR

from ..models import EvidencePhoto
from ..services.access import is_mentor_of
from ..services.logbook import ensure_entry_open, remove_photo
from .common import refused

PHOTO_SIZES = {"thumb": "fill-240x180", "large": "max-1200x1200"}


@role_required(MENTOR, APPRENTICE)
@require_http_methods(["GET", "HEAD", "POST"])
def photo_remove(request, pk):
    """The mentor removes one evidence photo from an entry not yet confirmed, after asking."""
    evidence = scoped_or_404(
        EvidencePhoto.objects.select_related(
            "entry", "entry__pairing", "entry__pairing__apprentice"
        ),
        request.user,
        pk=pk,
    )
    entry, pairing = evidence.entry, evidence.entry.pairing
    if not is_mentor_of(request.user, pairing):
        raise PermissionDenied
    back = reverse("academy:entry_edit", args=[entry.pk])
    try:
        ensure_entry_open(entry, pairing)
        if request.method == "POST":
            remove_photo(evidence, request.user)
            messages.success(request, _("The photo is removed from the entry."))
            return redirect(back)
    except Refused as refusal:
        return refused(request, refusal, pairing, entry.get_absolute_url())
    return render(
        request,
        "academy/photo_remove.html",
        {"photo": evidence, "entry": entry, "pairing": pairing, "back": back},
    )


@role_required(MENTOR, APPRENTICE)
@require_safe
def photo(request, pk, size):
    """An evidence photo, resized by Wagtail, for those who may see its pairing only."""
    if size not in PHOTO_SIZES:
        raise Http404
    evidence = scoped_or_404(EvidencePhoto.objects.select_related("image"), request.user, pk=pk)
    try:
        rendition = evidence.image.get_rendition(PHOTO_SIZES[size])
    except (SourceImageIOError, InvalidFilterSpecError, OSError) as error:
        raise Http404("photo missing") from error
    return private_media.serve(rendition.file, cache_control="private, max-age=3600")
