from urllib.parse import unquote, urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import pgettext_lazy

from core.cache import cached_part
from core.routing import site_for_request

register = template.Library()

WEEKDAYS = (
    pgettext_lazy("weekday", "Mon"),
    pgettext_lazy("weekday", "Tue"),
    pgettext_lazy("weekday", "Wed"),
    pgettext_lazy("weekday", "Thu"),
    pgettext_lazy("weekday", "Fri"),
    pgettext_lazy("weekday", "Sat"),
    pgettext_lazy("weekday", "Sun"),
)


@register.filter
def weekday(day):
    """A date's short weekday, the same everywhere: 周一 … 周日 (Mon … Sun)."""
    return WEEKDAYS[day.weekday()] if day else ""


@register.inclusion_tag("components/main_nav.html", takes_context=True)
def main_nav(context):
    """The three sections: the live children of the site's root page shown in menus."""
    request = context.get("request")
    site = site_for_request(request)
    current = getattr(context.get("page"), "path", "")
    sections = []
    if site is not None:
        menu = cached_part(
            f"menu:{site.pk}",
            lambda: list(site.root_page.get_children().live().public().in_menu()),
        )
        sections = [(section, current.startswith(section.path)) for section in menu]
    return {"sections": sections, "request": request}


@register.inclusion_tag("components/language_switch.html", takes_context=True)
def language_switch(context):
    """Links to the current page in every language of the site (as ``translate_url`` makes
    them, with the path resolved once for all languages)."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    # A path that starts with "//" would be a link to another host ("//evil.example/en/").
    path = "/" + path.lstrip("/")
    parsed = urlsplit(path)
    try:
        match = resolve(unquote(parsed.path))
    except Resolver404:
        match = None
    current = translation.get_language()
    languages = []
    for code, name in settings.LANGUAGES:
        url = path
        with translation.override(code):
            label = str(translation.gettext(name))
            if match is not None:
                try:
                    found = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
                except NoReverseMatch:
                    pass
                else:
                    url = urlunsplit(("", "", found, parsed.query, parsed.fragment))
        languages.append(
            {
                "code": code,
                "name": translation.get_language_info(code)["name_local"],
                "label": label,
                "url": url,
                "current": code == current,
            }
        )
    return {"languages": languages}


@register.filter
def section_label(page):
    """A section's name in the active language: the page title in Chinese, else the app's name."""
    if translation.get_language() == settings.LANGUAGE_CODE:
        return page.title
    model = page.specific_class
    return model._meta.app_config.verbose_name if model else page.title
