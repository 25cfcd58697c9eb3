"""The academy's list filters, as django-filter FilterSets.

A value a filter does not know is an error shown beside that filter, and the view answers 400:
the project's one answer to a bad filter value.
"""

import re

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from core import roles

from .models import Pairing, Trade
from .models.studios import Level

SLUG = re.compile(r"[-\w]+")


def is_slug(value):
    """Whether a query parameter can be a slug (no NUL byte, which PostgreSQL refuses)."""
    return bool(SLUG.fullmatch(value))


class SlugChoiceField(django_filters.fields.ModelChoiceField):
    """A row chosen by its slug; a value that cannot be a slug never reaches the database."""

    def to_python(self, value):
        if value not in self.empty_values and not is_slug(str(value)):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SlugChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)


class PairingFilter(django_filters.FilterSet):
    """The manager's filters over every pairing."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Pairing.Status.choices, empty_label=_("All statuses")
    )
    trade = django_filters.ModelChoiceFilter(
        label=_("Trade"), queryset=Trade.objects.all(), empty_label=_("All trades")
    )
    mentor = django_filters.ModelChoiceFilter(
        label=_("Mentor"),
        queryset=get_user_model()
        .objects.filter(groups__name=roles.MENTOR)
        .order_by("first_name", "username"),
        empty_label=_("All mentors"),
    )
    stale = django_filters.BooleanFilter(
        label=_("Only stale (no entry for 30 days)"),
        method="filter_stale",
        widget=forms.CheckboxInput,
    )

    ready = django_filters.BooleanFilter(
        label=_("Only ready to complete (targets met)"),
        method="filter_ready",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Pairing
        fields = ["status", "trade", "mentor"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # People by their name, not their login.
        self.form.fields["mentor"].label_from_instance = lambda user: (
            user.get_full_name() or user.username
        )

    def filter_ready(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.with_totals().filter(
            status=Pairing.Status.ACTIVE,
            hours_logged__gte=F("target_hours"),
            competencies_reached__gte=F("competencies_total"),
        )

    def filter_stale(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=Pairing.objects.stale().values("pk"))


class EntryFilter(django_filters.FilterSet):
    """A pairing's logbook: every entry, or only those the apprentice has still to confirm."""

    show = django_filters.ChoiceFilter(
        label=_("Show entries"), choices=[("open", _("To confirm"))], method="filter_show"
    )

    def filter_show(self, queryset, name, value):
        return queryset.filter(confirmed_at__isnull=True) if value == "open" else queryset


class StudioFilter(django_filters.FilterSet):
    """The innovation studios by trade (among those of the index's studios) and by level."""

    trade = SlugChoiceFilter(
        label=_("Trade"), field_name="trades", queryset=None, empty_label=_("All trades")
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=Level.choices, empty_label=_("All levels")
    )

    def __init__(self, *args, trades, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["trade"].queryset = trades


class CraftsmanFilter(django_filters.FilterSet):
    """The folk craftsmen by trade."""

    trade = SlugChoiceFilter(
        label=_("Trade"), queryset=Trade.objects.all(), empty_label=_("All trades")
    )
