from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from .cache import invalidate_page, invalidate_pages
from .models import SiteIdentity, forget_site_identity

page_published.connect(invalidate_page, dispatch_uid="core.invalidate_on_publish")
page_unpublished.connect(invalidate_page, dispatch_uid="core.invalidate_on_unpublish")
post_delete.connect(invalidate_page, sender=Page, dispatch_uid="core.invalidate_on_delete")


def identity_changed(created=False, **_kwargs):
    """Every page shows the site's name and footer. (Wagtail creates the row with its defaults
    the first time a page asks for it: nothing shown changes then.)"""
    if created:
        return
    forget_site_identity()
    invalidate_pages()


post_save.connect(identity_changed, sender=SiteIdentity, dispatch_uid="core.identity_changed")
