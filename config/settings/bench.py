"""The production settings with the benchmark's bare view, for ``manage.py bench --gunicorn``.

Nothing else uses this module: ``core.bench_urls`` adds the bare view that times the floor
to the site's own URLs. Static files are stored with their manifest, uncompressed, so that
``collectstatic`` is quick; everything else is ``config.settings.production``.
"""

from .production import *  # noqa: F403

ROOT_URLCONF = "core.bench_urls"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
}
