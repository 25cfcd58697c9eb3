from django.urls import path

from . import account_views, badge_views, views

app_name = "core"

urlpatterns = [
    path("workspace/", views.workspace, name="workspace"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/wecom/", views.wecom_account, name="wecom_account"),
    path(
        "accounts/first-login/<str:uidb64>/<str:token>/",
        account_views.FirstLoginView.as_view(),
        name="first_login",
    ),
    path("workspace/accounts/", account_views.account_list, name="accounts"),
    path("workspace/accounts/new/", account_views.account_new, name="account_new"),
    path("workspace/accounts/<int:pk>/", account_views.account_edit, name="account_edit"),
    path("workspace/accounts/<int:pk>/link/", account_views.account_link, name="account_link"),
    path(
        "workspace/accounts/<int:pk>/deactivate/",
        account_views.account_deactivate,
        name="account_deactivate",
    ),
    path("workspace/accounts/import/", account_views.staff_import, name="staff_import"),
    path(
        "workspace/accounts/import/template.<str:export_format>",
        account_views.staff_import_template,
        name="staff_import_template",
    ),
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
    # Open Badges 3.0 (core.badge_views); the credentials' ids are these addresses.
    path(
        "verify/<str:code>/credential.json",
        badge_views.credential_json,
        name="badge_credential",
    ),
    path(
        "verify/<str:code>/credential.jwt",
        badge_views.credential_jwt,
        name="badge_credential_jwt",
    ),
    path("verify/<str:code>/status.json", badge_views.credential_status, name="badge_status"),
    path("badges/issuer/", badge_views.issuer, name="badge_issuer"),
]
