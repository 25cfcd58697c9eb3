"""Fast, isolated test settings. DATABASE_URL and CELERY_BROKER_URL still switch the services."""

import os
import tempfile

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="jiangxin-test-media-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
LOGGING = {"version": 1, "disable_existing_loggers": False}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
SERVE_MEDIA = True
MEDIA_ROOT = os.environ.get("DJANGO_MEDIA_ROOT") or MEDIA_ROOT
# The suite runs tasks in-process; tests marked "worker" switch to the real broker themselves.
CELERY_TASK_ALWAYS_EAGER = True
# Login limits are tested by the tests that switch them on; the rest log in as they please.
AXES_ENABLED = False
# The local cache counts the public forms' posts per process only: fine here, not in
# production (which uses Redis).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
# WeCom stays off whatever the shell exports; its tests switch it on against a local server.
WECOM_CORP_ID = WECOM_AGENT_ID = WECOM_SECRET = ""
