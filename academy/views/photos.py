"""Evidence photos: served within scope only, removed by the mentor."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from wagtail.images.exceptions import InvalidFilterSpecError
from wagtail.images.models import SourceImageIOError

from ..models import EvidencePhoto
from ..services.access import entries_for_user, is_mentor_of
from ..services.logbook import (
    check_entry_open,
    remove_photo,
)
from .common import (
    locked,
    refused_page,
    workspace_view,
)

PHOTO_SIZES = {"thumb": "fill-240x180", "large": "max-1200x1200"}


@workspace_view
@require_http_methods(["GET", "HEAD", "POST"])
def photo_remove(request, pk):
    """The mentor removes one evidence photo from an entry not yet confirmed, after asking."""
    evidence = get_object_or_404(
        EvidencePhoto.objects.filter(entry__in=entries_for_user(request.user)).select_related(
            "entry", "entry__pairing", "entry__pairing__apprentice"
        ),
        pk=pk,
    )
    entry, pairing = evidence.entry, evidence.entry.pairing
    if not is_mentor_of(request.user, pairing):
        raise PermissionDenied
    back = reverse("academy:entry_edit", args=[entry.pk])
    refusal = check_entry_open(entry, pairing)
    if refusal:
        return locked(request, pairing, refusal, entry.get_absolute_url())
    if request.method == "POST":
        try:
            remove_photo(evidence, request.user)
        except ValidationError as error:
            return refused_page(
                request, pairing, " ".join(error.messages), entry.get_absolute_url()
            )
        messages.success(request, _("The photo is removed from the entry."))
        return redirect(back)
    return render(
        request,
        "academy/photo_remove.html",
        {"photo": evidence, "entry": entry, "pairing": pairing, "back": back},
    )


@workspace_view
@require_safe
def photo(request, pk, size):
    """An evidence photo, resized by Wagtail, for those who may see its pairing only."""
    if size not in PHOTO_SIZES:
        raise Http404
    evidence = get_object_or_404(
        EvidencePhoto.objects.filter(entry__in=entries_for_user(request.user)).select_related(
            "image"
        ),
        pk=pk,
    )
    try:
        rendition = evidence.image.get_rendition(PHOTO_SIZES[size])
        handle = rendition.file.open("rb")
    except (SourceImageIOError, InvalidFilterSpecError, OSError) as error:
        raise Http404("photo missing") from error
    response = FileResponse(handle, content_type=_content_type(rendition.file.name))
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _content_type(name):
    extension = name.rsplit(".", 1)[-1].lower()
    return {
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "png": "image/png",
        "gif": "image/gif",
        "webp": "image/webp",
        "avif": "image/avif",
    }.get(extension, "application/octet-stream")
