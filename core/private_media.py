"""Uploaded files answered by a view that has checked who asks, never by the media folder.

``serve(field_file)`` streams the file (``FileResponse``); with ``PRIVATE_MEDIA_ACCEL_PREFIX``
set (such as ``/_protected/``), it answers an empty response with ``X-Accel-Redirect`` and
nginx sends the file from its ``internal`` location of that name (README, Production).

``image_rendition``: Wagtail's renditions (``images/`` under MEDIA_ROOT), at the address
Wagtail gives them: of an image in a public collection (page images) for anyone; of one in a
private collection (evidence photos) only for whom its restriction admits (managers, in the
admin), 404 for everyone else, like a file that does not exist. Originals are never served.
"""

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.views.decorators.http import require_safe
from wagtail.images import get_image_model

PUBLIC_IMAGE_CACHE = "public, max-age=86400"
# Formats Wagtail writes that older mimetypes tables lack.
mimetypes.add_type("image/webp", ".webp")
mimetypes.add_type("image/avif", ".avif")


def accel_response(name, content_type):
    """An empty answer telling nginx to send ``name`` (relative to MEDIA_ROOT) itself."""
    response = HttpResponse(content_type=content_type)
    prefix = settings.PRIVATE_MEDIA_ACCEL_PREFIX.rstrip("/")
    response["X-Accel-Redirect"] = f"{prefix}/{quote(name)}"
    return response


def serve(field_file, *, cache_control="private, max-age=3600", download_name=None):
    """The stored file behind ``field_file`` (a FieldFile), or 404 when it is missing."""
    if not field_file:
        raise Http404("no file")
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    prefix = getattr(settings, "PRIVATE_MEDIA_ACCEL_PREFIX", "")
    if prefix:
        response = accel_response(field_file.name, content_type)
    else:
        try:
            handle = field_file.open("rb")
        except (OSError, ValueError) as error:
            raise Http404("file missing") from error
        response = FileResponse(handle, content_type=content_type)
    if download_name:
        response["Content-Disposition"] = f'inline; filename="{download_name}"'
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def image_rendition(request, path):
    """A rendition: page images for anyone, photos of a private collection within its
    restriction (on the collection or an ancestor, Wagtail's collection privacy)."""
    Rendition = get_image_model().get_rendition_model()
    rendition = (
        Rendition.objects.select_related("image__collection").filter(file=f"images/{path}").first()
    )
    if rendition is None:
        raise Http404
    restrictions = list(rendition.image.collection.get_view_restrictions())
    if not restrictions:
        return serve(rendition.file, cache_control=PUBLIC_IMAGE_CACHE)
    if not all(restriction.accept_request(request) for restriction in restrictions):
        raise Http404
    return serve(rendition.file, cache_control="private, max-age=3600")
