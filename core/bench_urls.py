"""The benchmark's URLs: the site's own, plus a bare view that measures the floor.

``manage.py bench_measure`` switches ``ROOT_URLCONF`` to this module for its run only; no
settings module names it, so the floor view is never served by the site.
"""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

FLOOR_PATH = "/bench-floor/"


def floor(request):
    """The least a request can cost: the middleware, a URL match, and nothing else."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(FLOOR_PATH.strip("/") + "/", floor), *site_urlpatterns]
