"""Settings shared by every environment. Safe by default: secrets come from the environment."""

import os
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_admins(name):
    """``"Name <a@example.cn>, Other <b@example.cn>"`` as Django's ADMINS: (name, address)."""
    admins = [(label or address, address) for label, address in getaddresses([env(name, "")])]
    wrong = [address for _label, address in admins if "@" not in address.strip("@")]
    if wrong:
        raise ImproperlyConfigured(
            f"{name} must be addresses such as 'Name <ops@example.cn>, ...'; "
            f"not an address: {', '.join(repr(address) for address in wrong)}."
        )
    return admins


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The sections, in the order their demo data is built.
    "heritage",
    "academy",
    "contests",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    # After wagtail.images and wagtail.documents: core replaces their permission policies.
    "core",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_ratelimit",
    "csp",
]
FORM_RENDERER = "core.forms_rendering.SiteFormRenderer"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    # Content-Security-Policy on every answer; the Wagtail admin gets its own (below).
    "core.middleware.SiteCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session entered a code from the user's TOTP device?
    "django_otp.middleware.OTPMiddleware",
    # A user with a device is asked for its code before any admin page.
    "core.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "core.middleware.MalformedAdminPostMiddleware",
    "core.refusals.RefusalMiddleware",
    # Last, as django-axes asks: it answers a locked-out login with its own page.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): the site's own pages run only scripts and stylesheets
# served from the site, with no inline script, event handler or style attribute (their code
# lives in static/<app>/*.js, data comes through json_script or data- attributes). No nonces:
# cached pages would carry a stale one.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "script-src": [SELF],
        "style-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The Wagtail admin (and the page previews it frames) uses inline scripts and style attributes:
# it gets the same policy loosened for those, and may be framed by itself. core.middleware.
CONTENT_SECURITY_POLICY_ADMIN_PREFIXES = ("/admin/",)
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "frame-ancestors": [SELF],
    }
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "core.context_processors.site_shell",
            ],
        },
    },
]

# Database: a URL. SQLite file by default, PostgreSQL in production and CI.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Guessing passwords: after 5 wrong ones for a login name, or from one address, logging in
# from there pauses for 15 minutes, on the site's login and the admin's alike.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = int(env("AXES_COOLOFF_MINUTES", "15")) / 60
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "core.security.locked_out"
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The public forms (contest registration, objections): posts allowed per visitor's address,
# counted in the shared cache (core/limits.py). "count/period" with s, m, h or d.
PUBLIC_FORM_LIMITS = {
    "contest-registration": env("CONTEST_REGISTRATION_LIMIT", "10/h"),
    "contest-objection": env("CONTEST_OBJECTION_LIMIT", "5/h"),
}
# If the cache cannot count, let posts through rather than refuse everyone (logged).
RATELIMIT_FAIL_OPEN = True
# Behind the site's own reverse proxy, the visitor's address comes from X-Forwarded-For.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:workspace"
LOGOUT_REDIRECT_URL = "/"

# Chinese first: Simplified Chinese is the default language, English is on a switch.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", _("Simplified Chinese")),
    ("en", _("English")),
]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = env("DJANGO_MEDIA_URL", "/media/")
# Private files (certificates, evidence photos, image renditions) are answered by views that
# check who asks; they stream the file, or, with this set (such as "/_protected/"), answer with
# X-Accel-Redirect to that nginx "internal" location aliased to MEDIA_ROOT (README, Production).
PRIVATE_MEDIA_ACCEL_PREFIX = env("PRIVATE_MEDIA_ACCEL_PREFIX", "")
if PRIVATE_MEDIA_ACCEL_PREFIX:
    # Wagtail's document downloads (its view checks private collections) go the same way.
    SENDFILE_BACKEND = "core.sendfile_accel"

STORAGES = {
    "default": {
        "BACKEND": env("DJANGO_MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# A CJK font file for certificates; common system fonts are found without it.
CERTIFICATE_FONT = env("CERTIFICATE_FONT") or None
# Certificates download as Open Badges 3.0 credentials signed with this Ed25519 private key
# (PEM; "\n" for line breaks on one line). Unset: a key derived from SECRET_KEY (core.open_badges).
OPEN_BADGES_SIGNING_KEY = env("OPEN_BADGES_SIGNING_KEY", "")

# Uploads larger than this are refused with a message by the forms that accept files, and a
# stored photo (once cleaned and made smaller) never weighs more.
MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Every spreadsheet import (core.spreadsheet_import) refuses a file past these, with a message:
# the upload's bytes, an XLSX's members once unpacked, data rows after the header row,
# columns, characters in a cell, and a run of blank rows that ends the table.
SPREADSHEET_IMPORT_LIMITS = {
    "max_bytes": 5 * 1024 * 1024,
    "max_unpacked_bytes": 25 * 1024 * 1024,
    "max_rows": 5_000,
    "max_columns": 50,
    "max_cell_chars": 2_000,
    "blank_rows": 1_000,
}
# A photo straight from a phone may weigh up to this: it is accepted and made smaller
# (core.photos); anything larger is refused.
MAX_PHOTO_UPLOAD_SIZE = 25 * 1024 * 1024

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "jiangxin",
    }
}
# Anonymous pages are cached this long, and dropped as soon as anything is published.
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "600"))
# The parts many pages share (menu, home highlights), for visitors whose pages are not stored.
PAGE_PART_CACHE_SECONDS = int(env("PAGE_PART_CACHE_SECONDS", "600"))

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who is mailed the details of every server error (500) and failed background task.
ADMINS = env_admins("DJANGO_ADMINS")

# Enterprise WeChat (企业微信): logbook notices also go as app messages to members who entered
# their WeCom userid on their account page (core.wecom). Off unless all three are set: the
# corp's CorpID, the self-built app's AgentId and its Secret.
WECOM_CORP_ID = env("WECOM_CORP_ID", "")
WECOM_AGENT_ID = env("WECOM_AGENT_ID", "")
WECOM_SECRET = env("WECOM_SECRET", "")
WECOM_API_BASE = env("WECOM_API_BASE", "https://qyapi.weixin.qq.com")
# Seconds to wait for WeCom's answer; a slow answer fails and the outbox tries again later.
WECOM_TIMEOUT = float(env("WECOM_TIMEOUT", "5"))
# Group robots (群机器人) need none of the above: managers paste each robot's webhook address
# (a kindergarten's, the craftsmen's) in the admin. It must point at one of these hosts, over
# https; a test server is named by its whole origin, such as http://127.0.0.1:8123.
WECOM_ROBOT_HOSTS = ["qyapi.weixin.qq.com"]

# Celery: without a broker URL, tasks run eagerly in the calling process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL") or None
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND") or CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Short broker timeouts: with the broker down a publish fails within a second or two instead of
# retrying for 19 s (the result store's 20 reconnections were most of it). Work that must not be
# lost goes through core.outbox, which keeps it in the database until it has run.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 2
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    }
}
# The worker itself waits for the broker as long as it takes, and then carries on.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# The outbox (core.outbox): a pending row is sent again this many seconds after its last try;
# a sent row not done after OUTBOX_RESEND_AFTER (its message may be lost), or a run that has not
# finished after OUTBOX_STALE_AFTER (its worker died), is sent again too. A task that fails
# OUTBOX_MAX_ATTEMPTS times is left failed; done rows are deleted after OUTBOX_KEEP_DONE_DAYS.
OUTBOX_RETRY_AFTER = int(env("OUTBOX_RETRY_AFTER", "30"))
OUTBOX_RESEND_AFTER = int(env("OUTBOX_RESEND_AFTER", "600"))
OUTBOX_STALE_AFTER = int(env("OUTBOX_STALE_AFTER", "1800"))
OUTBOX_MAX_ATTEMPTS = int(env("OUTBOX_MAX_ATTEMPTS", "5"))
OUTBOX_KEEP_DONE_DAYS = int(env("OUTBOX_KEEP_DONE_DAYS", "30"))
CELERY_BEAT_SCHEDULE = {
    "core-send-pending-tasks": {
        "task": "core.tasks.send_pending_tasks",
        "schedule": crontab(),  # every minute
    },
    "core-clear-pending-photos": {
        "task": "core.tasks.clear_pending_photos",
        "schedule": crontab(minute=40),
    },
    "core-heartbeat": {
        "task": "core.tasks.heartbeat",
        "schedule": crontab(),  # every minute: /healthz fails when it is late
    },
    "heritage-session-reminders": {
        "task": "heritage.tasks.send_session_reminders",
        "schedule": crontab(hour=17, minute=0),
    },
    "heritage-missing-roll-calls": {
        "task": "heritage.tasks.report_missing_roll_calls",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon"),
    },
    "academy-stale-pairings": {
        "task": "academy.tasks.flag_stale_pairings",
        "schedule": crontab(hour=7, minute=30),
    },
    "contests-close-public-notices": {
        "task": "contests.tasks.close_public_notices",
        "schedule": crontab(minute=5),
    },
}

# Wagtail's own background work (reference index, file deletion) runs in-process.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

WAGTAIL_SITE_NAME = "奉化区劳模工匠学院"
# The account name authenticator apps show beside the user's codes.
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = MAX_UPLOAD_SIZE
# Admin images are cleaned like every photo (core.photos): HEIC is stored as JPEG, large photos
# are made smaller, location and device data never kept.
WAGTAILIMAGES_MAX_UPLOAD_SIZE = MAX_PHOTO_UPLOAD_SIZE
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "heic", "heif"]
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Nothing loads from services unreachable from mainland China: no gravatar.com avatars.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Tag fields split on 、，； as well as commas (core.tags).
TAGGIT_TAGS_FROM_STRING = "core.tags.parse_tags"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# /healthz: a worker heartbeat older than this (seconds) fails it (beat records one a minute);
# less free disk than this (MB) where uploads are stored fails it. With HEALTHZ_TOKEN set, a
# monitor that sends it in an X-Healthz-Token header sees which check failed, as managers do.
HEALTHZ_HEARTBEAT_MAX_AGE = int(env("HEALTHZ_HEARTBEAT_MAX_AGE", "300"))
HEALTHZ_MIN_FREE_DISK_MB = int(env("HEALTHZ_MIN_FREE_DISK_MB", "1024"))
HEALTHZ_TOKEN = env("HEALTHZ_TOKEN", "")
