"""The filters of the public lesson listing and of the attendance reports (django-filter).

A value that is not one of the choices (or not an id) makes the filter form invalid: the view
answers 400 with the form showing the error, never a silently widened list.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from .forms import IdChoiceField
from .models import AgeBand, ClassGroup, CraftPage, Kindergarten, Season
from .services.reports import GROUPINGS


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A model choice whose value must look like an id before the database is asked."""

    field_class = IdChoiceField


class LessonFilter(django_filters.FilterSet):
    """The public lessons of the programme by craft, age band and tag."""

    craft = IdChoiceFilter(
        label=_("Craft"),
        queryset=CraftPage.objects.none(),
        empty_label=_("All crafts"),
        method="filter_craft",
    )
    age_band = django_filters.ChoiceFilter(
        label=_("Age band"), choices=AgeBand.choices, empty_label=_("All ages")
    )
    tag = django_filters.CharFilter(label=_("Tag"), field_name="tags__name", max_length=100)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["craft"].queryset = (
            CraftPage.objects.child_of(programme).live().public().order_by("path")
        )

    def filter_craft(self, queryset, name, craft):
        return queryset.child_of(craft)


def _kindergartens(request):
    return Kindergarten.objects.for_user(request.user)


def _class_groups(request):
    return ClassGroup.objects.filter(kindergarten__in=_kindergartens(request)).select_related(
        "kindergarten"
    )


class AttendanceFilter(django_filters.FilterSet):
    """The report's filters over the attendance in the user's scope, and its grouping.

    Kindergartens and class groups are offered within the scope only, so naming another's is
    an invalid choice (400), not a wider report.
    """

    by = django_filters.ChoiceFilter(
        label=_("Rate per"),
        choices=[
            ("kindergarten", _("Kindergarten")),
            ("class_group", _("Class group")),
            ("child", _("Child")),
            ("craft", _("Craft")),
            ("season", _("Season")),
        ],
        empty_label=None,
        method="group_by",
    )
    season = IdChoiceFilter(
        label=_("Season"),
        field_name="session__season",
        queryset=Season.objects.all(),
        empty_label=_("All seasons"),
    )
    kindergarten = IdChoiceFilter(
        label=_("Kindergarten"),
        field_name="session__class_group__kindergarten",
        queryset=_kindergartens,
        empty_label=_("All kindergartens"),
    )
    class_group = IdChoiceFilter(
        label=_("Class group"),
        field_name="session__class_group",
        queryset=_class_groups,
        empty_label=_("All class groups"),
    )
    craft = IdChoiceFilter(
        label=_("Craft"),
        field_name="session__craft",
        queryset=CraftPage.objects.live().order_by("path"),
        empty_label=_("All crafts"),
    )

    def group_by(self, queryset, name, value):
        # Not a filter: the view groups the rows by it (see grouping).
        return queryset

    @property
    def grouping(self):
        """The chosen grouping (one of GROUPINGS), kindergarten by default."""
        chosen = self.form.cleaned_data.get("by") if self.is_bound else ""
        return chosen if chosen in GROUPINGS else "kindergarten"
