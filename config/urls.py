from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from core import routing
from core.cache import cache_anonymous
from core.private_media import image_rendition
from core.views import admin_logout, healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/logout/", admin_logout, name="admin_logout"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

# Image renditions at the addresses Wagtail gives them, through a view that keeps the photos
# of private collections private (core.private_media). Nothing else under the media folder is
# served in production: private files have their own views.
if settings.MEDIA_URL.startswith("/"):
    urlpatterns.append(
        path(
            f"{settings.MEDIA_URL.lstrip('/')}images/<path:path>",
            image_rendition,
            name="image_rendition",
        )
    )

if settings.DEBUG or getattr(settings, "SERVE_MEDIA", False):
    from django.views.static import serve as serve_media

    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            serve_media,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

# Chinese at the bare paths, English under /en/.
urlpatterns += i18n_patterns(
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("core.urls")),
    path("app/academy/", include("academy.urls")),
    path("app/heritage/", include("heritage.urls")),
    path("app/contests/", include("contests.urls")),
    re_path(r"^((?:[\w\-]+/)*)$", cache_anonymous(routing.serve), name="wagtail_serve"),
    prefix_default_language=False,
)
