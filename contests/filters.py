"""The query-parameter filters of the contests' pages, as django-filter FilterSets.

A value a filter does not understand is left out of the filtering and shows as a form error;
the contest index answers such a request with 400 (``ContestIndexPage.serve``).
"""

import django_filters
from django import forms
from django.db.models import Q

from .models import ContestPage, ContestType, Entrant, Level


class YearField(forms.TypedChoiceField):
    """One of the years offered, written in digits (leading zeros and all)."""

    def to_python(self, value):
        value = super().to_python(value)
        return str(int(value)) if value.isdigit() else value


class YearFilter(django_filters.TypedChoiceFilter):
    field_class = YearField


class ContestFilter(django_filters.FilterSet):
    """The contest index: by year (only the years that have contests), level and type."""

    year = YearFilter(coerce=int, empty_value=None)
    level = django_filters.ChoiceFilter(choices=Level.choices)
    type = django_filters.ChoiceFilter(field_name="contest_type", choices=ContestType.choices)

    class Meta:
        model = ContestPage
        fields = []

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.years = sorted(set(self.queryset.values_list("year", flat=True)), reverse=True)
        self.filters["year"].extra["choices"] = [(year, year) for year in self.years]

    @property
    def bad(self):
        """A value was given that is not one of the choices."""
        return not self.is_valid()

    @property
    def selected(self):
        """The filters applied (the ones not understood are left out)."""
        self.is_valid()  # validates: cleaned_data then holds the values understood
        values = self.form.cleaned_data
        return {
            "year": values.get("year"),
            "level": values.get("level") or "",
            "type": values.get("type") or "",
        }


class SearchField(forms.CharField):
    """Search words as typed: trimmed, without NUL characters, at most 60 characters."""

    def __init__(self, **kwargs):
        super().__init__(strip=False, **kwargs)

    def to_python(self, value):
        return super().to_python((value or "").strip().replace("\x00", "")[:60])


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


class EntrantFilter(django_filters.FilterSet):
    """An event's entrants in the workspace: ``q`` finds a name, a unit or an exact number."""

    q = SearchFilter(method="search")

    class Meta:
        model = Entrant
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(bib=value) | Q(unit__icontains=value))

    @property
    def query(self):
        """The search words as understood (and shown back in the search box)."""
        self.is_valid()
        return self.form.cleaned_data.get("q") or ""
