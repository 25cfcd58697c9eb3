"""The real site's page tree, without demo data: the home page and one section page per app.

An app that has a section declares it on its AppConfig as ``section = (model name, slug, title,
introduction)`` with ``section_position``, its place in the menu. ``build_site`` creates what
is missing and leaves what exists (editors may have renamed or rewritten it);
``manage.py setup_site`` and the demo both use it.
"""

from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from wagtail.models import Page, Site

from .models import HomePage

HOME_TITLE = "奉化区劳模工匠学院"
HOME_INTRO = "<p>奉化区总工会：劳模工匠学院、技能竞赛与“非遗小匠人”传承行动。</p>"


def site_address():
    """Host name and port of the site, from its absolute address."""
    parts = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    default_port = 443 if parts.scheme == "https" else 80
    return parts.hostname or "localhost", parts.port or default_port


def sections():
    """(app config, model, slug, title, intro) of every app with a section, in menu order."""
    configs = [config for config in apps.get_app_configs() if getattr(config, "section", None)]
    for config in sorted(configs, key=lambda config: config.section_position):
        model_name, slug, title, intro = config.section
        yield config, config.get_model(model_name), slug, title, intro


def build_site():
    """Create the home page, the default Site and the section pages; return (home, sections)."""
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        # The page Wagtail creates on install is replaced by the federation's home page.
        Page.objects.filter(depth=2, content_type__model="page", slug="home").delete()
        root.refresh_from_db()
        home = root.add_child(instance=HomePage(title=HOME_TITLE, slug="home", intro=HOME_INTRO))
    hostname, port = site_address()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            is_default_site=True,
            hostname=hostname,
            port=port,
            root_page=home,
            site_name=HOME_TITLE,
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save(update_fields=["root_page"])
    found = {}
    for _config, model, slug, title, intro in sections():
        section = model.objects.child_of(home).first()
        if section is None:
            section = home.add_child(
                instance=model(
                    title=title,
                    slug=slug,
                    intro=f"<p>{intro}</p>",
                    search_description=intro,
                    show_in_menus=True,
                )
            )
        found[model._meta.label] = section
    return home, found
