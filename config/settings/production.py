"""Production: refuses to start without what a real deployment needs; Redis cache; secure
cookies and HSTS."""

from email.utils import parseaddr
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.http.request import validate_host

from .base import *  # noqa: F403
from .base import LOGGING, env, env_bool, env_list

REQUIRED = {
    "DJANGO_SECRET_KEY": "a long random secret",
    "DJANGO_ALLOWED_HOSTS": "the site's host names, comma-separated",
    "WAGTAILADMIN_BASE_URL": "the site's absolute address, such as https://jiangxin.example.cn",
    "REDIS_URL": "the shared cache, such as redis://127.0.0.1:6379/1",
    "DJANGO_DEFAULT_FROM_EMAIL": "the sender address of the site's emails",
}


def _problems():
    """Everything missing or malformed, each named, so one failed start tells it all."""
    problems = [f"{name} ({meaning})" for name, meaning in REQUIRED.items() if not env(name)]
    base_url = urlsplit(env("WAGTAILADMIN_BASE_URL", ""))
    if env("WAGTAILADMIN_BASE_URL") and not (
        base_url.scheme in ("https", "http") and base_url.hostname
    ):
        problems.append(
            "WAGTAILADMIN_BASE_URL must be an absolute address such as https://jiangxin.example.cn"
        )
    elif base_url.hostname and env("DJANGO_ALLOWED_HOSTS"):
        if not validate_host(base_url.hostname, env_list("DJANGO_ALLOWED_HOSTS")):
            problems.append(
                f"DJANGO_ALLOWED_HOSTS must include {base_url.hostname}, the host of "
                "WAGTAILADMIN_BASE_URL (links in emails and QR codes lead there)"
            )
    sender = env("DJANGO_DEFAULT_FROM_EMAIL", "")
    if sender and "@" not in parseaddr(sender)[1]:
        problems.append(f"DJANGO_DEFAULT_FROM_EMAIL must be an email address, not {sender!r}")
    if env("OPEN_BADGES_SIGNING_KEY"):
        from core.badge_keys import parse_pem

        try:
            parse_pem(env("OPEN_BADGES_SIGNING_KEY"))
        except ImproperlyConfigured as error:
            problems.append(str(error))
    return problems


_found = _problems()
if _found:
    raise ImproperlyConfigured("Production settings need: " + "; ".join(_found) + ".")

SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL").rstrip("/")
DEFAULT_FROM_EMAIL = SERVER_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL")
DEBUG = False

# One cache shared by every web worker and the Celery worker. If Redis stops, the site keeps
# answering without it (pages are rendered uncached) and /healthz reports the cache.
REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
        },
    }
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
# A monitor on the server itself asks http://127.0.0.1:8000/healthz without the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(env("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("DJANGO_EMAIL_PORT", "25"))

# Errors reach the operator: every 500 (Django's "django.request" logger) and every background
# task that fails ("celery.app.trace") is mailed to ADMINS (DJANGO_ADMINS) from SERVER_EMAIL,
# besides the log on the console.
LOGGING = {
    **LOGGING,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        **LOGGING["handlers"],
        "mail_admins": {
            "level": "ERROR",
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["require_debug_false"],
        },
    },
    "loggers": {
        **LOGGING["loggers"],
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "celery.app.trace": {"handlers": ["mail_admins"], "level": "INFO"},
    },
}

# Sentry, when SENTRY_DSN is set: errors of the web processes and the worker, with no personal
# data (no user, no address, no cookies) sent along.
SENTRY_DSN = env("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(env("SENTRY_TRACES_SAMPLE_RATE", "0")),
        send_default_pii=False,
    )
