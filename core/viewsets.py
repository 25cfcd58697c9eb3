"""Admin screens of what the site shares: the official holiday table."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import CalendarDay


class CalendarDayViewSet(SnippetViewSet):
    model = CalendarDay
    icon = "date"
    menu_label = _("Holidays and make-up days")
    add_to_settings_menu = True
    list_display = ["date", "kind", "name"]
    list_filter = ["kind", "date"]
    list_export = ["date", "kind", "name"]
    search_fields = ["name"]
    ordering = ["-date"]
