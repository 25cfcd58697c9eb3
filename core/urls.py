from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("workspace/", views.workspace, name="workspace"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/wecom/", views.wecom_account, name="wecom_account"),
    path("photos/pending/<str:token>/", views.pending_photo, name="pending_photo"),
    path("search/", views.search, name="search"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
    path(
        "verify/<str:code>/certificate.png",
        views.certificate_file,
        {"kind": "png"},
        name="certificate_png",
    ),
    path(
        "verify/<str:code>/certificate.pdf",
        views.certificate_file,
        {"kind": "pdf"},
        name="certificate_pdf",
    ),
]
