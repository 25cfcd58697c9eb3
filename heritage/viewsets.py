"""Wagtail admin listings of the programme's data, for managers."""

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import HeaderButton
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from core.admin_exports import SnippetIndexView
from core.admin_scope import ScopedSnippetViewSet
from core.roles import is_manager

from .models import Attendance, Child, ClassGroup, Kindergarten, PlanEntry, Season, Session


class KindergartenIndexView(SnippetIndexView):
    """The listing offers managers the spreadsheet import beside "Add"."""

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if is_manager(self.request.user):
            buttons.append(
                HeaderButton(
                    _("Import from a spreadsheet"),
                    url=reverse("heritage:kindergarten_import"),
                    icon_name="upload",
                )
            )
        return buttons


class KindergartenViewSet(ScopedSnippetViewSet):
    model = Kindergarten
    index_view_class = KindergartenIndexView
    icon = "home"
    list_display = [
        "name",
        "short_name",
        "address",
        Column("robot_webhook_masked", label=_("WeCom group robot")),
    ]
    search_fields = ["name"]
    list_export = ["name", "short_name", "address"]


class ClassGroupViewSet(ScopedSnippetViewSet):
    model = ClassGroup
    index_view_class = SnippetIndexView
    icon = "group"
    list_display = ["name", "kindergarten", "age_band", "teacher", "room"]
    list_filter = ["kindergarten", "age_band"]
    list_export = ["kindergarten", "name", "age_band", "room"]


class ChildViewSet(ScopedSnippetViewSet):
    model = Child
    icon = "user"
    list_display = ["display_name", "class_group", "photo_consent", "active_from", "active_until"]
    list_filter = ["class_group__kindergarten", "photo_consent"]
    list_per_page = 50
    panels = [
        FieldPanel("display_name"),
        FieldPanel("class_group"),
        FieldPanel("photo_consent"),
        FieldPanel("active_from"),
        FieldPanel("active_until"),
    ]


class SeasonViewSet(ScopedSnippetViewSet):
    model = Season
    icon = "date"
    list_display = ["number", "name", "starts_on", "ends_on", "rounds"]


class PlanEntryViewSet(ScopedSnippetViewSet):
    model = PlanEntry
    index_view_class = SnippetIndexView
    icon = "table"
    list_display = ["season", "round", "kindergarten", "craft", "craftsman", "planned_sessions"]
    list_filter = ["season", "kindergarten", "craft"]
    list_export = ["season", "round", "starts_on", "ends_on", "kindergarten", "craft", "craftsman"]
    list_per_page = 50


class SessionViewSet(ScopedSnippetViewSet):
    model = Session
    index_view_class = SnippetIndexView
    icon = "time"
    list_display = ["starts_at", "class_group", "craft", "lesson", "craftsman", "status"]
    list_filter = ["status", "season", "craft", "class_group__kindergarten"]
    list_export = ["starts_at", "ends_at", "class_group", "craft", "lesson", "place", "status"]
    list_per_page = 50
    panels = [
        FieldPanel("status"),
        FieldPanel("change_reason"),
        FieldPanel("place"),
        FieldPanel("starts_at"),
        FieldPanel("ends_at"),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("class_group__kindergarten", "craft", "lesson", "craftsman")
        )


class AttendanceViewSet(ScopedSnippetViewSet):
    model = Attendance
    icon = "tick"
    list_display = ["child", "session", "status", "reason"]
    list_filter = ["status"]
    list_per_page = 50
    inspect_view_enabled = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("child", "session__class_group__kindergarten", "session__lesson")
        )


class HeritageViewSetGroup(SnippetViewSetGroup):
    items = (
        KindergartenViewSet,
        ClassGroupViewSet,
        ChildViewSet,
        SeasonViewSet,
        PlanEntryViewSet,
        SessionViewSet,
        AttendanceViewSet,
    )
    menu_icon = "snippet"
    menu_label = _("Heritage programme")
    menu_name = "heritage"
