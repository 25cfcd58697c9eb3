from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Site core")

    def ready(self):
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.permissions import register_permission_policy

        from . import restrictions, signals  # noqa: F401 (signals connects receivers)
        from .admin_scope import PrivateCollectionsPolicy

        # View restrictions come from the shared cache (core.restrictions).
        restrictions.install()

        # Images and documents in private collections (evidence photos, children's photos)
        # are for managers only. Runs after wagtail.images and wagtail.documents registered
        # their own policies (core comes after them in INSTALLED_APPS).
        for model, auth_model in (
            (get_image_model(), "wagtailimages.Image"),
            (get_document_model(), "wagtaildocs.Document"),
        ):
            policy = PrivateCollectionsPolicy(
                model, auth_model=auth_model, owner_field_name="uploaded_by_user"
            )
            register_permission_policy(model, policy)

        # China's official holidays for the years the chinesecalendar package knows.
        post_migrate.connect(seed_holidays, sender=self, dispatch_uid="core.seed_holidays")


def seed_holidays(using="default", **_kwargs):
    from .holidays import seed_from_package

    seed_from_package(using=using)
