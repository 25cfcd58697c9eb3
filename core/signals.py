from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save, pre_save
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site, UploadedFile
from wagtail.signals import page_published, page_unpublished, post_page_move

from .cache import invalidate_page, invalidate_pages
from .models import SiteIdentity, forget_site_identity
from .photos import clean_wagtail_image

page_published.connect(invalidate_page, dispatch_uid="core.invalidate_on_publish")
page_unpublished.connect(invalidate_page, dispatch_uid="core.invalidate_on_unpublish")
post_delete.connect(invalidate_page, sender=Page, dispatch_uid="core.invalidate_on_delete")


def _drop_every_page(**_kwargs):
    """A moved page changes addresses and menus; a view restriction, what the public sees; a
    site, which pages a host serves."""
    invalidate_pages()


post_page_move.connect(_drop_every_page, dispatch_uid="core.invalidate_on_move")
post_save.connect(_drop_every_page, sender=PageViewRestriction, dispatch_uid="core.restrict")
post_delete.connect(_drop_every_page, sender=PageViewRestriction, dispatch_uid="core.unrestrict")
post_save.connect(_drop_every_page, sender=Site, dispatch_uid="core.site_saved")
post_delete.connect(_drop_every_page, sender=Site, dispatch_uid="core.site_deleted")


def identity_changed(created=False, **_kwargs):
    """Every page shows the site's name and footer. (Wagtail creates the row with its defaults
    the first time a page asks for it: nothing shown changes then.)"""
    if created:
        return
    forget_site_identity()
    invalidate_pages()


post_save.connect(identity_changed, sender=SiteIdentity, dispatch_uid="core.identity_changed")


def _clean_image_file(sender, instance, raw=False, **kwargs):
    """Every Wagtail image is stored without location and device data (core.photos)."""
    if not raw:
        clean_wagtail_image(instance)


def _clean_uploaded_image(sender, instance, raw=False, **kwargs):
    """An image the admin keeps until its details are filled in is cleaned as it arrives."""
    image_type = ContentType.objects.get_for_model(get_image_model())
    if not raw and instance.for_content_type_id == image_type.pk:
        clean_wagtail_image(instance)


pre_save.connect(_clean_image_file, sender=get_image_model(), dispatch_uid="core.clean_image")
pre_save.connect(_clean_uploaded_image, sender=UploadedFile, dispatch_uid="core.clean_upload")
