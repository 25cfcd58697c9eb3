from django.db.models.signals import post_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from .cache import invalidate_page

page_published.connect(invalidate_page, dispatch_uid="core.invalidate_on_publish")
page_unpublished.connect(invalidate_page, dispatch_uid="core.invalidate_on_unpublish")
post_delete.connect(invalidate_page, sender=Page, dispatch_uid="core.invalidate_on_delete")
