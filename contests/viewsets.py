"""The Wagtail admin's view of the contests' records, for academy managers."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSetGroup

from core.admin_exports import SnippetIndexView
from core.admin_scope import ScopedSnippetViewSet

from .models import Entrant, Event, Objection, Sheet


class EventHistoryView(ScopedSnippetViewSet.history_view_class):
    """An event's history with its score sheets' in it: submissions (and on whose behalf),
    unlocks with their reasons and the scores changed after submission."""

    def get_base_queryset(self):
        from django.contrib.contenttypes.models import ContentType
        from django.db.models import Q
        from wagtail.models import ModelLogEntry

        sheet_ids = [
            str(pk) for pk in Sheet.objects.filter(event=self.object).values_list("pk", flat=True)
        ]
        queryset = ModelLogEntry.objects.filter(
            Q(content_type=ContentType.objects.get_for_model(Event), object_id=str(self.object.pk))
            | Q(content_type=ContentType.objects.get_for_model(Sheet), object_id__in=sheet_ids)
        ).latest_by_uuid_and_action()
        return self._annotate_queryset(queryset)


class EventViewSet(ScopedSnippetViewSet):
    model = Event
    history_view_class = EventHistoryView
    index_view_class = SnippetIndexView
    icon = "list-ol"
    menu_label = _("Events")
    list_display = ["name", "contest", "rule", "notice_days"]
    list_filter = ["rule", "contest__year", "contest__level"]
    search_fields = ["name"]
    list_export = ["contest", "name", "rule", "minimum_total", "notice_days"]


class EntrantViewSet(ScopedSnippetViewSet):
    model = Entrant
    index_view_class = SnippetIndexView
    icon = "user"
    menu_label = _("Entrants")
    list_display = ["bib", "name", "unit", "event", "status"]
    list_filter = ["status", "source", "event__contest__year"]
    search_fields = ["name", "unit", "bib"]
    list_export = ["event", "bib", "name", "unit", "phone", "status", "source"]
    list_per_page = 50


class ObjectionViewSet(ScopedSnippetViewSet):
    model = Objection
    index_view_class = SnippetIndexView
    icon = "warning"
    menu_label = _("Objections")
    list_display = ["name", "event", "status", "created_at"]
    list_filter = ["status"]
    list_export = ["event", "name", "contact", "message", "status", "answer", "created_at"]


class ContestsViewSetGroup(ViewSetGroup):
    menu_label = _("Skill contests")
    menu_icon = "pick"
    menu_order = 300
    items = (EventViewSet, EntrantViewSet, ObjectionViewSet)
