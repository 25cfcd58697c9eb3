"""The academy in the Wagtail admin: trades with their competency frameworks, and pairings."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from core.admin_exports import SnippetIndexView
from core.admin_scope import (
    ScopedChooseResultsView,
    ScopedChooseView,
    ScopedSnippetChooserViewSet,
    ScopedSnippetViewSet,
)
from core.certificate_admin import CertificateViewSet

from .forms import CompetenciesByTradeWidget, PairingAdminForm
from .models import Pairing, Trade


class TradeSearchForm(BaseFilterForm):
    """The trade chooser's search: any part of the name or slug ("服装" finds "服装制版")."""

    q = forms.CharField(
        label=_("Search term"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
    )

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            objects = objects.filter(Q(name__icontains=query) | Q(slug__icontains=query))
            self.is_searching, self.search_query = True, query
        return objects


class TradeChooseView(ScopedChooseView):
    filter_form_class = TradeSearchForm


class TradeChooseResultsView(ScopedChooseResultsView):
    filter_form_class = TradeSearchForm


class TradeChooserViewSet(ScopedSnippetChooserViewSet):
    choose_view_class = TradeChooseView
    choose_results_view_class = TradeChooseResultsView


class TradeViewSet(ScopedSnippetViewSet):
    model = Trade
    chooser_viewset_class = TradeChooserViewSet
    chooser_per_page = 20
    icon = "tag"
    menu_label = _("Trades and competencies")
    list_display = ["name", "slug"]
    search_fields = ["name"]
    ordering = ["name"]


class PairingViewSet(ScopedSnippetViewSet):
    model = Pairing
    index_view_class = SnippetIndexView
    icon = "group"
    menu_label = _("Pairings")
    list_filter = ["status", "trade", "target_level"]
    list_per_page = 50
    ordering = ["status", "-start"]
    list_display = [
        Column("__str__", label=_("Pairing")),
        "status",
        Column("hours_logged", label=_("Hours logged")),
        "target_hours",
        Column("last_entry_on", label=_("Last entry")),
        BooleanColumn("is_stale", label=_("Stale")),
    ]
    list_export = [
        "mentor_name",
        "apprentice_name",
        "trade",
        "status",
        "start",
        "planned_end",
        "target_hours",
        "hours_logged",
        "last_entry_on",
        "is_stale",
    ]
    export_headings = {
        "mentor_name": _("Mentor"),
        "apprentice_name": _("Apprentice"),
        "hours_logged": _("Hours logged"),
        "last_entry_on": _("Last entry"),
        "is_stale": _("Stale"),
    }
    export_filename = "pairings"
    panels = [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("mentor"), FieldPanel("apprentice")]), FieldPanel("trade")],
            heading=_("Who and what"),
        ),
        FieldPanel("studio"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("planned_end")]),
        FieldRowPanel([FieldPanel("target_hours"), FieldPanel("target_level")]),
        FieldPanel(
            "competencies",
            widget=CompetenciesByTradeWidget,
            help_text=_("Grouped by trade: tick only the competencies of the pairing's trade."),
        ),
        FieldPanel("goals"),
        FieldPanel("shown_on_mentor_profile"),
        FieldRowPanel([FieldPanel("status"), FieldPanel("break_reason")]),
    ]

    def get_form_class(self, for_update=False):
        from wagtail.admin.panels import ObjectList

        return (
            ObjectList(self.panels, base_form_class=PairingAdminForm)
            .bind_to_model(Pairing)
            .get_form_class()
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_totals()
            .select_related("mentor", "apprentice", "trade")
        )


class AcademyViewSetGroup(SnippetViewSetGroup):
    items = (PairingViewSet, TradeViewSet, CertificateViewSet)
    menu_icon = "group"
    menu_label = _("Apprenticeships")
    menu_name = "apprenticeships"
