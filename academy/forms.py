from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagField
from wagtail.admin.forms import WagtailAdminModelForm

from core import pending, roles
from core.forms import SpreadsheetUploadForm
from core.photos import photo_input_attrs
from core.refusals import Refused

from .models import Competency, EntryCompetency, LogEntry, Pairing, PortfolioItem
from .models.competencies import SkillLevel
from .services.logbook import MAX_SKILLS_PER_ENTRY, check_entry_rules
from .services.photos import MAX_PHOTOS_PER_ENTRY, check_photo_count, clean_photo

RATING_CHOICES = [("", _("Not worked on"))] + [
    (str(value), label) for value, label in EntryCompetency.Rating.choices
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs=photo_input_attrs()))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class EntryForm(forms.Form):
    """The mentor's session log: made to be filled in under a minute on a phone."""

    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
        help_text=_("More than 0 and at most 24."),
    )
    skills = TagField(
        label=_("Skills practised"),
        required=False,
        help_text=_("Separate skills with commas, 、 or ；."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultipleImageField(label=_("Evidence photos"), required=False)

    def __init__(self, *args, pairing, entry=None, user=None, **kwargs):
        self.pairing, self.entry = pairing, entry
        if entry is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "date": entry.date,
                "hours": entry.hours,
                "skills": list(entry.skills.all()),
                "notes": entry.notes,
            }
        else:
            kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        # Photos chosen before the form was last refused, kept for their uploader
        # (core.pending): those posted back and not marked for removal.
        self.pending_photos, self.dropped_photos = [], []
        if self.is_bound and user is not None:
            posted = pending.find(user, self.data.getlist("pending_photos"))
            removed = set(self.data.getlist("pending_remove"))
            for photo in posted:
                (self.dropped_photos if photo.token in removed else self.pending_photos).append(
                    photo
                )
        self.accepted_uploads = []  # (cleaned photo, name chosen) of the new uploads accepted
        self.kept_photos = entry.photos.count() if entry is not None else 0
        if entry is not None:
            self.fields["photos"].label = _("Add photos")
        self._set_photos_help(len(self.pending_photos))
        self.competencies = list(pairing.competencies.order_by("sort_order", "pk"))
        current = {}
        if entry is not None:
            current = dict(entry.ratings.values_list("competency_id", "rating"))
        for competency in self.competencies:
            self.fields[f"competency_{competency.pk}"] = forms.TypedChoiceField(
                label=competency.name,
                choices=RATING_CHOICES,
                required=False,
                coerce=int,
                empty_value=None,
                initial=current.get(competency.pk, ""),
            )
        self.evidence_choices = self._evidence_choices(pairing, entry)
        if self.evidence_choices:
            cited = {}
            if entry is not None:
                for rating in entry.ratings.all():
                    if rating.evidence_photo_id:
                        cited[rating.competency_id] = f"photo:{rating.evidence_photo_id}"
                    elif rating.evidence_item_id:
                        cited[rating.competency_id] = f"item:{rating.evidence_item_id}"
            for competency in self.competencies:
                self.fields[f"evidence_{competency.pk}"] = forms.ChoiceField(
                    label=_("Evidence for %(competency)s") % {"competency": competency.name},
                    choices=self.evidence_choices,
                    required=False,
                    initial=cited.get(competency.pk, ""),
                )

    def _set_photos_help(self, pending_count):
        # Interpolated here, per request: at import time it would freeze one language.
        text = _(
            "Up to %(n)d photos: JPEG, PNG, GIF, WebP or HEIC. Large photos are made smaller."
        ) % {"n": max(MAX_PHOTOS_PER_ENTRY - self.kept_photos - pending_count, 0)}
        self.fields["photos"].help_text = text
        if "photos" in self._bound_fields_cache:  # already bound while cleaning
            self._bound_fields_cache["photos"].help_text = text

    @staticmethod
    def _evidence_choices(pairing, entry):
        """What a rating can cite: this entry's photos and the apprentice's evidence."""
        choices = []
        if entry is not None:
            for number, photo in enumerate(entry.photos.order_by("taken_at", "pk"), start=1):
                choices.append(
                    (f"photo:{photo.pk}", _("Photo %(n)d of this session") % {"n": number})
                )
        for item in pairing.portfolio.exclude(kind=PortfolioItem.Kind.REFLECTION).order_by(
            "-date", "-pk"
        )[:30]:
            choices.append(
                (
                    f"item:{item.pk}",
                    f"{item.date:%Y-%m-%d} · {item.get_kind_display()} · {item.title}",
                )
            )
        return [("", _("No evidence cited"))] + choices if choices else []

    def competency_fields(self):
        return [self[f"competency_{competency.pk}"] for competency in self.competencies]

    def competency_rows(self):
        """Each competency's rating field with, where there is evidence, its citation field."""
        return [
            (
                self[f"competency_{competency.pk}"],
                self[f"evidence_{competency.pk}"] if self.evidence_choices else None,
            )
            for competency in self.competencies
        ]

    def evidence(self):
        """The citations posted: competency → ("photo" | "item", pk), or None to clear."""
        cited = {}
        for competency in self.competencies:
            name = f"evidence_{competency.pk}"
            if self.evidence_choices and self.add_prefix(name) in self.data:
                value = self.cleaned_data.get(name) or ""
                kind, _sep, pk = value.partition(":")
                cited[competency] = (kind, int(pk)) if value else None
        return cited

    def plain_fields(self):
        return [self[name] for name in ("date", "hours", "skills", "notes", "photos")]

    def clean_skills(self):
        skills = self.cleaned_data["skills"]
        if len(skills) > MAX_SKILLS_PER_ENTRY:
            raise forms.ValidationError(
                _("At most %(n)d skills per entry.") % {"n": MAX_SKILLS_PER_ENTRY}
            )
        if any(len(skill) > 100 for skill in skills):
            raise forms.ValidationError(_("A skill name is at most 100 characters."))
        return skills

    def clean_photos(self):
        """Every problem with the photos at once: too many, and each file that is refused.

        Returns the new photos cleaned (``core.photos.CleanedPhoto``), after the pending ones.
        """
        uploads = self.cleaned_data["photos"]
        problems = []
        try:
            check_photo_count(uploads, self.kept_photos + len(self.pending_photos))
        except Refused as refusal:
            problems.append(refusal.message)
        for upload in uploads:
            try:
                self.accepted_uploads.append((clean_photo(upload), upload.name))
            except Refused as refusal:
                problems.append(refusal.message)
        if problems:
            raise forms.ValidationError(problems)
        return [pending.as_cleaned(photo) for photo in self.pending_photos] + [
            photo for photo, _name in self.accepted_uploads
        ]

    def keep_pending_photos(self, user):
        """After a refusal: the photos to offer again, the new ones kept for ``user``."""
        room = MAX_PHOTOS_PER_ENTRY - self.kept_photos - len(self.pending_photos)
        kept = [pending.keep(user, photo, name) for photo, name in self.accepted_uploads[:room]]
        self.accepted_uploads = []
        self._set_photos_help(len(self.pending_photos) + len(kept))
        return self.pending_photos + kept

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours <= Decimal("0") or hours > Decimal("24"):
            raise forms.ValidationError(_("Hours must be more than 0 and at most 24."))
        return hours

    def clean(self):
        cleaned = super().clean()
        errors = check_entry_rules(
            self.pairing, cleaned.get("date"), cleaned.get("hours"), self.entry
        )
        for field, messages in errors.items():
            for message in messages:
                self.add_error(None if field == "__all__" else field, message)
        return cleaned

    def ratings(self):
        """The ratings posted: a rating, or None for "not worked on" (clears it on edit).

        A competency whose field was not posted at all is left out, so editing an entry
        keeps the ratings it had unless they are changed.
        """
        return {
            competency: self.cleaned_data.get(f"competency_{competency.pk}")
            for competency in self.competencies
            if self.add_prefix(f"competency_{competency.pk}") in self.data
        }


class ConfirmForm(forms.Form):
    reflection = forms.CharField(
        label=_("Your reflection"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What did you learn, what was hard, what will you practise next?"),
    )


class CompleteForm(forms.Form):
    reached_level = forms.TypedChoiceField(
        label=_("Skill level reached"),
        choices=SkillLevel.choices,
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("The level the certificate states: the one the apprentice reached."),
    )


class UnlockForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for unlocking"),
        max_length=300,
        help_text=_("Kept in the audit log."),
    )


class QueryForm(forms.Form):
    note = forms.CharField(
        label=_("What is wrong with this entry?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the hours or the date. The entry goes back to your mentor."),
    )


class EvidenceForm(forms.Form):
    """The apprentice's evidence or reflection, with or without a file."""

    kind = forms.ChoiceField(label=_("What are you adding?"), choices=PortfolioItem.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    entry = forms.ModelChoiceField(
        label=_("About the session of"),
        queryset=LogEntry.objects.none(),
        required=False,
        empty_label=_("The apprenticeship as a whole"),
    )
    text = forms.CharField(
        label=_("Reflection or description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "A photo (JPEG, PNG, HEIC), a short video (MP4, MOV, WebM, up to 50 MB) or a "
            "document (PDF, Word, Excel, PowerPoint, up to 10 MB)."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/*,video/mp4,video/quicktime,video/webm,.pdf,.docx,.xlsx,.pptx"}
        ),
    )

    def __init__(self, *args, pairing, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = pairing.entries.order_by("-date", "-pk")
        self.fields["entry"].label_from_instance = lambda entry: (
            _("%(date)s · %(hours)s h")
            % {
                "date": entry.date.isoformat(),
                "hours": entry.hours,
            }
        )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == PortfolioItem.Kind.REFLECTION and not (cleaned.get("text") or "").strip():
            self.add_error("text", _("Write your reflection."))
        if kind and kind != PortfolioItem.Kind.REFLECTION and not cleaned.get("file"):
            self.add_error("file", _("Choose the file to add."))
        return cleaned


class ReviewForm(forms.Form):
    date = forms.DateField(
        label=_("Date of the review"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    summary = forms.CharField(
        label=_("Progress so far"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    targets = forms.CharField(
        label=_("Targets agreed"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the apprentice will reach by the next review."),
    )
    next_review = forms.DateField(
        label=_("Next review"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[])
    reason = forms.CharField(
        label=_("Reason for the break"),
        max_length=300,
        required=False,
    )

    def __init__(self, *args, manager=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (Pairing.Status.ACTIVE, Pairing.Status.ACTIVE.label),
            (Pairing.Status.ON_BREAK, Pairing.Status.ON_BREAK.label),
        ]
        if manager:
            choices.append((Pairing.Status.WITHDRAWN, Pairing.Status.WITHDRAWN.label))
        self.fields["status"].choices = choices

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Pairing.Status.ON_BREAK and not cleaned.get("reason"):
            self.add_error("reason", _("Give the reason for the break."))
        return cleaned


class PublicityForm(forms.Form):
    """The apprentice's agreement to be named on the mentor's public profile."""

    shown = forms.BooleanField(
        label=_("Show my name on my mentor's public profile and on the honours roll"),
        required=False,
    )


def people_choices(field, queryset):
    """``field`` lists ``queryset``'s people by full name; the login is added in brackets only
    where two of them share a name (or where a person has no name)."""
    User = get_user_model()
    shared = {
        (row["first_name"], row["last_name"])
        for row in User.objects.filter(pk__in=queryset.values("pk"))
        .values("first_name", "last_name")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    }

    def label(user):
        name = user.get_full_name()
        if not name:
            return user.username
        if (user.first_name, user.last_name) in shared:
            return f"{name} ({user.username})"
        return name

    field.label_from_instance = label
    field.queryset = queryset.order_by("first_name", "last_name", "username")


class CompetenciesByTrade(ModelChoiceIterator):
    """The competencies as option groups, one per trade (in trade order)."""

    def __iter__(self):
        groups = {}
        for competency in self.queryset:
            groups.setdefault(competency.trade.name, []).append(self.choice(competency))
        yield from groups.items()

    def __len__(self):
        return self.queryset.count()


class CompetenciesByTradeWidget(forms.CheckboxSelectMultiple):
    """Checkboxes in one fieldset per trade, the trade's name as its legend."""

    template_name = "academy/widgets/competencies_by_trade.html"


class PairingAdminForm(WagtailAdminModelForm):
    """Managers create pairings in the admin: people by name, each trade's competencies
    grouped under it; the competencies must belong to the pairing's trade."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        User = get_user_model()
        for name, role in (("mentor", roles.MENTOR), ("apprentice", roles.APPRENTICE)):
            if name in self.fields:
                people_choices(self.fields[name], User.objects.filter(groups__name=role))
        if "competencies" in self.fields:
            field = self.fields["competencies"]
            field.iterator = CompetenciesByTrade
            field.queryset = Competency.objects.select_related("trade").order_by(
                "trade__name", "sort_order", "pk"
            )

    def clean(self):
        cleaned = super().clean()
        trade = cleaned.get("trade")
        competencies = cleaned.get("competencies")
        if trade and competencies:
            wrong = [c.name for c in competencies if c.trade_id != trade.pk]
            if wrong:
                self.add_error(
                    "competencies",
                    _("These competencies belong to another trade: %(names)s")
                    % {"names": "、".join(wrong)},
                )
        return cleaned


class PairingImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("A .csv (UTF-8 or GBK) or .xlsx file; the first row holds the headers."),
    )


class ProfileImportForm(SpreadsheetUploadForm):
    publish = forms.BooleanField(
        label=_("Publish the new and changed profiles at once"),
        required=False,
        help_text=_("Otherwise they wait as drafts, to review and add photos in the admin."),
    )
