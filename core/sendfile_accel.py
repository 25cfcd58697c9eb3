"""Wagtail's document downloads handed to nginx (``SENDFILE_BACKEND``, set with
``PRIVATE_MEDIA_ACCEL_PREFIX``): Wagtail checks who asks, nginx sends the file."""

from pathlib import Path

from django.conf import settings
from django.http import Http404

from .private_media import accel_response


def sendfile(request, filename, mimetype="application/octet-stream", **kwargs):
    try:
        name = Path(filename).resolve().relative_to(Path(settings.MEDIA_ROOT).resolve())
    except ValueError as error:
        raise Http404("not a media file") from error
    return accel_response(name.as_posix(), mimetype)
