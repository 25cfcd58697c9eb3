from django.db.models.signals import post_delete, pre_save
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from .cache import invalidate_page
from .photos import clean_wagtail_image

page_published.connect(invalidate_page, dispatch_uid="core.invalidate_on_publish")
page_unpublished.connect(invalidate_page, dispatch_uid="core.invalidate_on_unpublish")
post_delete.connect(invalidate_page, sender=Page, dispatch_uid="core.invalidate_on_delete")


def _clean_image_file(sender, instance, raw=False, **kwargs):
    """Every Wagtail image is stored without location and device data (core.photos)."""
    if not raw:
        clean_wagtail_image(instance)


pre_save.connect(_clean_image_file, sender=get_image_model(), dispatch_uid="core.clean_image")
