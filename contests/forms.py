import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import validate_email
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from core.honeypot import HoneypotMixin
from core.refusals import Refused
from core.roles import JUDGE

from .models import (
    MAX_JUDGES,
    PHONE_PATTERN,
    AwardTier,
    Criterion,
    Entrant,
    Event,
    HallBoard,
    Objection,
    Rule,
)
from .services.measuring import bands_text, parse_bands
from .services.scoring import PAPER_NOTE_REQUIRED


class RegistrationForm(HoneypotMixin, forms.Form):
    event = forms.ModelChoiceField(queryset=Event.objects.none(), label=_("Event"))
    name = forms.CharField(label=_("Name"), max_length=60)
    unit = forms.CharField(label=_("Unit"), max_length=120, help_text=_("Your employer."))
    phone = forms.RegexField(
        label=_("Phone"),
        regex=PHONE_PATTERN,
        error_messages={"invalid": _("Enter a phone number.")},
        help_text=_("Only the organizers see it."),
    )

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.contest = contest
        events = contest.events.all()
        self.fields["event"].queryset = events
        only = list(events[:2])
        if len(only) == 1:  # one event: nothing to choose
            self.fields["event"].initial = only[0].pk

    def clean(self):
        data = super().clean()
        event, name, unit = data.get("event"), data.get("name"), data.get("unit")
        if event and name and unit:
            if Entrant.objects.filter(event=event, name=name.strip(), unit=unit.strip()).exists():
                raise forms.ValidationError(
                    _("%(name)s of %(unit)s is already registered for this event.")
                    % {"name": name, "unit": unit}
                )
        return data


class ObjectionForm(HoneypotMixin, forms.ModelForm):
    class Meta:
        model = Objection
        fields = ["name", "contact", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"contact": _("Only the organizers see it, to answer you.")}

    def clean_contact(self):
        contact = self.cleaned_data["contact"].strip()
        if re.fullmatch(PHONE_PATTERN, contact):
            return contact
        try:
            validate_email(contact)
        except forms.ValidationError:
            raise forms.ValidationError(
                _("Enter a phone number or an email address, so the organizers can answer you.")
            ) from None
        return contact


class ObjectionAnswerForm(forms.ModelForm):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Objection.Status.UPHELD, Objection.Status.UPHELD.label),
            (Objection.Status.DISMISSED, Objection.Status.DISMISSED.label),
        ],
    )

    class Meta:
        model = Objection
        fields = ["status", "answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 3})}

    def clean_answer(self):
        answer = self.cleaned_data["answer"].strip()
        if not answer:
            raise forms.ValidationError(_("Write the answer the sender will get."))
        return answer


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "name",
            "rule",
            "hide_names",
            "minimum_total",
            "deviation_threshold",
            "notice_days",
        ]

    def __init__(self, *args, contest=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.contest = contest or getattr(self.instance, "contest", None)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Event.objects.filter(contest=self.contest, name=name).exclude(pk=self.instance.pk)
        if self.contest is not None and others.exists():
            raise forms.ValidationError(_("This contest already has an event of that name."))
        return name

    def clean_rule(self):
        rule = self.cleaned_data["rule"]
        if rule == Rule.TRIMMED and self.instance.pk:
            judges = self.instance.sheets.count()
            if 0 < judges < 3:
                raise forms.ValidationError(
                    _("The trimmed mean needs 3 or more judges; this event has %(n)s.")
                    % {"n": judges}
                )
        return rule


class NewEventForm(EventForm):
    class Meta(EventForm.Meta):
        fields = ["name", "rule"]


class CriterionForm(forms.ModelForm):
    bands_text = forms.CharField(
        label=_("Tolerance bands"),
        required=False,
        max_length=500,
        help_text=_(
            "Measurement: deviation from the target = points, closest first, e.g. "
            "“0.5=10, 1=8, 2=5”; beyond the last band scores 0. Empty: the measured value is "
            "the score."
        ),
    )

    class Meta:
        model = Criterion
        fields = ["name", "maximum", "weight", "kind", "tie_break", "target", "unit", "measured_by"]

    def __init__(self, *args, judges=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measured_by"].queryset = (
            judges if judges is not None else get_user_model().objects.none()
        )
        self.fields["measured_by"].label_from_instance = lambda u: u.get_full_name() or u.username
        if self.instance.bands:
            self.fields["bands_text"].initial = bands_text(self.instance.bands)

    def clean(self):
        cleaned = super().clean()
        measured = cleaned.get("kind") == Criterion.Kind.MEASUREMENT
        text = (cleaned.get("bands_text") or "").strip()
        bands = []
        if text and not measured:
            self.add_error("bands_text", _("Only a measurement criterion has bands."))
        elif text:
            try:
                bands = parse_bands(text, cleaned.get("maximum"))
            except Refused as refusal:
                self.add_error("bands_text", refusal.message)
        if bands and cleaned.get("target") is None:
            self.add_error("target", _("Bands count the distance from a target: give it."))
        if cleaned.get("measured_by") and not measured:
            self.add_error("measured_by", _("Only a measurement is entered by one judge."))
        self.instance.bands = bands
        return cleaned


class BaseCriterionFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        names, orders = {}, {}
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            name = (form.cleaned_data.get("name") or "").strip()
            if name:
                if name in names:
                    form.add_error("name", _("Two criteria are named “%(name)s”.") % {"name": name})
                names[name] = form
            order = form.cleaned_data.get("tie_break")
            if order is not None:
                if order in orders:
                    form.add_error(
                        "tie_break",
                        _("Another criterion has tie-break order %(n)s.") % {"n": order},
                    )
                orders[order] = form

    def validate_unique(self):
        """Duplicate names are reported by clean() beside the field, in the user's words."""

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if self.instance.pk:
            kwargs["judges"] = self.instance.judges.order_by("last_name", "first_name", "id")
        return kwargs


CriterionFormSet = inlineformset_factory(
    Event,
    Criterion,
    form=CriterionForm,
    formset=BaseCriterionFormSet,
    extra=2,
    can_delete=True,
    min_num=1,
    validate_min=True,
)
AwardTierFormSet = inlineformset_factory(
    Event, AwardTier, fields=["name", "count"], extra=1, can_delete=True
)


class CopySchemeForm(forms.Form):
    source = forms.ModelChoiceField(queryset=Event.objects.none(), label=_("Copy from event"))

    def __init__(self, *args, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = events


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("A .csv (UTF-8 or GBK) or .xlsx file; the first row holds the headers."),
    )


class EntrantForm(forms.ModelForm):
    class Meta:
        model = Entrant
        fields = ["bib", "name", "unit", "phone"]
        help_texts = {"bib": _("Leave empty to give the next free number.")}

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["bib"].required = False

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not re.match(PHONE_PATTERN, phone):
            raise forms.ValidationError(_("Enter a phone number."))
        return phone

    def clean_bib(self):
        bib = self.cleaned_data["bib"].strip()
        if bib and Entrant.objects.filter(event=self.event, bib=bib).exists():
            raise forms.ValidationError(_("Number %(bib)s is already taken.") % {"bib": bib})
        return bib

    def clean(self):
        data = super().clean()
        name, unit = data.get("name"), data.get("unit")
        if (
            name
            and unit
            and Entrant.objects.filter(event=self.event, name=name, unit=unit).exists()
        ):
            raise forms.ValidationError(_("This entrant is already registered."))
        return data


class EntrantStatusForm(forms.Form):
    """The quick status switch of the entrants' list; a withdrawal needs a reason (its own
    form on the entrant's page)."""

    status = forms.ChoiceField(
        choices=[c for c in Entrant.Status.choices if c[0] != Entrant.Status.WITHDRAWN],
        label=_("Status"),
    )


class EntrantEditForm(forms.ModelForm):
    """An entrant's details as the organizer corrects them; the number stays."""

    class Meta:
        model = Entrant
        fields = ["name", "unit", "phone", "station", "order"]

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_unit(self):
        return self.cleaned_data["unit"].strip()

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not re.match(PHONE_PATTERN, phone):
            raise forms.ValidationError(_("Enter a phone number."))
        return phone

    def clean_station(self):
        station = self.cleaned_data["station"].strip()
        if station and self._others().filter(station=station).exists():
            raise forms.ValidationError(
                _("Station %(station)s is already given to another entrant.") % {"station": station}
            )
        return station

    def clean_order(self):
        order = self.cleaned_data["order"]
        if order is not None and self._others().filter(order=order).exists():
            raise forms.ValidationError(
                _("Another entrant already competes in position %(n)s.") % {"n": order}
            )
        return order

    def clean(self):
        data = super().clean()
        name, unit = data.get("name"), data.get("unit")
        if name and unit and self._others().filter(name=name, unit=unit).exists():
            raise forms.ValidationError(_("This entrant is already registered."))
        return data

    def _others(self):
        return Entrant.objects.filter(event_id=self.instance.event_id).exclude(pk=self.instance.pk)

    def validate_unique(self):
        """Duplicates are told by clean() in the user's words."""


class OrderForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How"),
        choices=[("bib", _("In bib order")), ("random", _("By a random draw"))],
        widget=forms.RadioSelect,
        initial="bib",
    )
    stations = forms.BooleanField(
        label=_("Give the same numbers as stations"),
        required=False,
        help_text=_("Station 1 for the first entrant, 2 for the second, and so on."),
    )


class HallBoardForm(forms.ModelForm):
    class Meta:
        model = HallBoard
        fields = ["label", "show_standings"]


class JudgesForm(forms.Form):
    judges = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Judges"),
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["judges"].queryset = (
            get_user_model().objects.filter(groups__name=JUDGE).order_by("first_name", "username")
        )
        self.fields["judges"].label_from_instance = lambda u: u.get_full_name() or u.username

    def clean_judges(self):
        judges = self.cleaned_data["judges"]
        if len(judges) > MAX_JUDGES:
            raise forms.ValidationError(_("At most %(n)s judges per event.") % {"n": MAX_JUDGES})
        if self.event.rule == Rule.TRIMMED and 0 < len(judges) < 3:
            raise forms.ValidationError(
                _("This event uses the trimmed mean, which needs 3 or more judges.")
            )
        kept = set(judges.values_list("pk", flat=True))
        removed = self.event.sheets.exclude(judge_id__in=kept).filter(scores__isnull=False)
        if removed.exists():
            raise forms.ValidationError(_("A judge who has entered scores cannot be removed."))
        return judges


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.TextInput)


class PaperSheetForm(forms.Form):
    note = forms.CharField(
        label=_("How the judge signed it"),
        max_length=300,
        initial=_("paper sheet, signed on site"),
        widget=forms.TextInput,
        error_messages={"required": PAPER_NOTE_REQUIRED},
    )


class DrawCodesForm(forms.Form):
    """The organizer's draw of secret codes: every competing entrant, or only those without."""

    ALL = "all"
    MISSING = "missing"

    which = forms.ChoiceField(
        label=_("Draw codes for"),
        choices=[
            (ALL, _("Every competing entrant")),
            (MISSING, _("Only entrants without a code")),
        ],
        initial=ALL,
    )
