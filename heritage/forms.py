import datetime
import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.images.fields import WagtailImageField
from wagtail.models import Page

from core import pending
from core.photos import clean_photo, photo_input_attrs
from core.refusals import Refused
from core.roles import CRAFTSMAN, TEACHER

from .models import AgeBand, ClassGroup, CraftPage, Kindergarten, LessonPage, Season
from .services.scheduling import FOLLOWING, SERIES, THIS

WEEKDAYS = [
    ("0", _("Monday")),
    ("1", _("Tuesday")),
    ("2", _("Wednesday")),
    ("3", _("Thursday")),
    ("4", _("Friday")),
]


MAX_ID_DIGITS = 9  # ids beyond this cannot exist; larger numbers overflow database integers


class IdChoiceField(forms.ModelChoiceField):
    """A model choice whose value must look like an id before the database is asked."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not re.fullmatch(rf"[0-9]{{1,{MAX_ID_DIGITS}}}", str(value).strip()):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class PersonChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class LessonChoiceField(IdChoiceField):
    craft_titles = {}

    def label_from_instance(self, obj):
        craft = self.craft_titles.get(obj.path[: -Page.steplen], "")
        return f"{craft} · {obj.title} ({obj.get_age_band_display()})"


def people(role):
    return get_user_model().objects.filter(groups__name=role, is_active=True).order_by("first_name")


def latest_class_day():
    return timezone.localdate() + datetime.timedelta(days=3 * 366)


class ClassDayField(forms.DateField):
    """A date of a class: from 2000 up to three years ahead."""

    earliest = datetime.date(2000, 1, 1)

    def validate(self, value):
        super().validate(value)
        if value and not (self.earliest <= value <= latest_class_day()):
            raise forms.ValidationError(
                _("Choose a date between %(first)s and %(last)s.")
                % {"first": self.earliest.isoformat(), "last": latest_class_day().isoformat()},
                code="out_of_range",
            )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class ScheduleForm(forms.Form):
    lesson = LessonChoiceField(label=_("Lesson"), queryset=LessonPage.objects.none())
    class_group = IdChoiceField(label=_("Class group"), queryset=ClassGroup.objects.none())
    craftsman = PersonChoiceField(
        label=_("Craftsman"),
        queryset=people(CRAFTSMAN),
        required=False,
        empty_label=_("The craftsman of the lesson's craft"),
    )
    teacher = PersonChoiceField(label=_("Teacher"), queryset=people(TEACHER))
    day = ClassDayField(label=_("Date"), widget=DateInput(), help_text=_("The first day."))
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput())
    place = forms.CharField(
        label=_("Place"),
        max_length=100,
        required=False,
        help_text=_("For example the craft base. Leave empty for the class group's classroom."),
    )
    repeat = forms.BooleanField(label=_("Repeat weekly"), required=False)
    weekdays = forms.MultipleChoiceField(
        label=_("On"), choices=WEEKDAYS, required=False, widget=forms.CheckboxSelectMultiple
    )
    interval_weeks = forms.IntegerField(
        label=_("Every N weeks"), min_value=1, max_value=8, initial=1, required=False
    )
    until = ClassDayField(label=_("Until"), required=False, widget=DateInput())
    confirm_unknown_years = forms.BooleanField(
        label=_("Schedule even though that year's holidays are not entered yet"), required=False
    )
    # Set by the button of the preview step: the teacher has seen the dates.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].queryset = LessonPage.objects.live().order_by("path")
        self.fields["lesson"].craft_titles = dict(
            CraftPage.objects.live().values_list("path", "title")
        )
        kindergartens = Kindergarten.objects.for_user(user)
        self.fields["class_group"].queryset = ClassGroup.objects.filter(
            kindergarten__in=kindergartens
        ).select_related("kindergarten")
        self.fields["craftsman"].queryset = people(CRAFTSMAN)
        # The teachers of the kindergartens the user schedules for, not every teacher.
        self.fields["teacher"].queryset = (
            people(TEACHER).filter(kindergartens__in=kindergartens).distinct()
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The session must end after it starts."))
        class_group, teacher = data.get("class_group"), data.get("teacher")
        lesson = data.get("lesson")
        if lesson and not data.get("craftsman") and "craftsman" not in self.errors:
            craft = CraftPage.objects.filter(path=lesson.path[: -Page.steplen]).first()
            if craft and craft.craftsman_id and craft.craftsman.is_active:
                data["craftsman"] = craft.craftsman
            else:
                self.add_error("craftsman", _("This craft has no craftsman yet: choose one."))
        if class_group and not (data.get("place") or "").strip():
            if class_group.room:
                data["place"] = class_group.room
            else:
                self.add_error("place", _("Give the place: this class group has no classroom."))
        if (
            class_group
            and teacher
            and not class_group.kindergarten.teachers.filter(pk=teacher.pk).exists()
        ):
            self.add_error("teacher", _("This teacher does not teach at that kindergarten."))
        if class_group and lesson and lesson.age_band != class_group.age_band:
            self.add_error(
                "lesson",
                _(
                    "This lesson is for %(lesson_band)s; %(class_group)s is %(class_band)s."
                    " Choose a lesson of the class group's age band."
                )
                % {
                    "lesson_band": lesson.get_age_band_display(),
                    "class_group": class_group.name,
                    "class_band": class_group.get_age_band_display(),
                },
            )
        if data.get("repeat"):
            if not data.get("weekdays"):
                self.add_error("weekdays", _("Choose at least one weekday."))
            if not data.get("until"):
                self.add_error("until", _("Give the last day of the series."))
            elif data.get("day") and data["until"] < data["day"]:
                self.add_error("until", _("The series must end on or after its first day."))
            if not data.get("interval_weeks"):
                data["interval_weeks"] = 1
        return data


# Which sessions of a series a change applies to.
SCOPE_CHOICES = [
    (THIS, _("Only this session")),
    (FOLLOWING, _("This and the following sessions")),
    (SERIES, _("The whole series")),
]


def _scope_field():
    return forms.ChoiceField(
        label=_("Apply to"),
        choices=SCOPE_CHOICES,
        initial=THIS,
        required=False,  # left out, a change is to this session only
        widget=forms.RadioSelect,
        help_text=_("Sessions already held and sessions with a roll call are kept as they are."),
    )


class MoveForm(forms.Form):
    day = ClassDayField(label=_("New date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput())
    place = forms.CharField(label=_("Place"), max_length=100)
    lesson = LessonChoiceField(
        label=_("Lesson"), queryset=LessonPage.objects.none(), required=False, empty_label=None
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        error_messages={"required": _("Give a reason for the change.")},
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The session must end after it starts."))
        return data

    @classmethod
    def for_session(cls, session, data=None):
        start = timezone.localtime(session.starts_at)
        end = timezone.localtime(session.ends_at)
        form = cls(
            data,
            initial={
                "day": start.date(),
                "start_time": start.time(),
                "end_time": end.time(),
                "place": session.place,
                "lesson": session.lesson_id,
                "scope": THIS,
            },
        )
        # Lessons of the class group's age band; an empty choice keeps the lesson.
        form.fields["lesson"].queryset = (
            LessonPage.objects.live().filter(age_band=session.class_group.age_band).order_by("path")
        )
        form.fields["lesson"].craft_titles = dict(
            CraftPage.objects.live().values_list("path", "title")
        )
        if session.series_id:
            form.fields["scope"] = _scope_field()
        return form


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        error_messages={"required": _("Give a reason for the cancellation.")},
    )

    def __init__(self, *args, marks=0, series=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.marks = marks
        if series:
            self.fields["scope"] = _scope_field()
        if marks:
            # A roll call is taken: its marks leave the rates, so the teacher says so first.
            self.fields["marks_leave_rates"] = forms.BooleanField(
                label=ngettext(
                    "Yes, %(n)d child's mark leaves the attendance rates.",
                    "Yes, %(n)d children's marks leave the attendance rates.",
                    marks,
                )
                % {"n": marks},
                required=False,
            )

    def clean(self):
        data = super().clean()
        # Only cancelling this very session drops its marks: a wider change keeps it.
        only_this = data.get("scope", THIS) == THIS
        if self.marks and only_this and not data.get("marks_leave_rates"):
            self.add_error(
                "marks_leave_rates",
                _(
                    "This session has a roll call: confirm that its marks leave the "
                    "attendance rates."
                ),
            )
        return data


class SeasonChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        if obj.starts_on <= timezone.localdate():
            return _("%(season)s (started, kept as it is)") % {"season": obj.name}
        return obj.name


class RotationForm(forms.Form):
    """One season's new rotation: which season, and how many sessions each round plans."""

    season = SeasonChoiceField(
        label=_("Season"), queryset=Season.objects.order_by("starts_on"), empty_label=None
    )
    sessions_per_round = forms.IntegerField(
        label=_("Planned sessions per round"), min_value=1, max_value=60, initial=12
    )
    digest = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


# ---------------------------------------------------------------- lesson drafts of craftsmen

TAG_SEPARATORS = re.compile(r"[,，、;；\n]+")


class TagListField(forms.CharField):
    """Tags typed as one line, separated by commas (Chinese or Latin) or 、."""

    def __init__(self, *, max_tags=10, **kwargs):
        self.max_tags = max_tags
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "，".join(str(v) for v in value)
        return value

    def clean(self, value):
        value = super().clean(value)
        tags = []
        for name in TAG_SEPARATORS.split(value or ""):
            name = name.strip().lstrip("#").strip()
            if name and name not in tags:
                tags.append(name)
        if len(tags) > self.max_tags:
            raise forms.ValidationError(
                _("At most %(n)d tags.") % {"n": self.max_tags}, code="too_many"
            )
        if any(len(name) > 50 for name in tags):
            raise forms.ValidationError(_("A tag is at most 50 characters."), code="too_long")
        return tags


class LessonDraftForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    age_band = forms.ChoiceField(label=_("Age band"), choices=[("", "---------")] + AgeBand.choices)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=10, max_value=180, initial=40
    )
    goals = forms.CharField(
        label=_("Learning goals"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("One goal per line."),
    )
    materials = forms.CharField(
        label=_("Materials"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("One item per line."),
    )
    safety_notes = forms.CharField(
        label=_("Safety notes"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    tags = TagListField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Separate with commas, for example: 扎染，大班，节日."),
    )


STEP_IMAGE_HELP = _(
    "Optional. JPEG, PNG, GIF, WebP or HEIC; large photos are made smaller. Hands, tools and "
    "works only: never children's faces."
)


class LessonStepForm(forms.Form):
    title = forms.CharField(label=_("Step"), max_length=120)
    text = forms.CharField(
        label=_("What to do"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    tip = forms.CharField(label=_("Tip for the teacher"), max_length=200, required=False)
    image = WagtailImageField(label=_("Picture"), required=False)
    remove_image = forms.BooleanField(label=_("Remove the picture"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        image = self.fields["image"]
        image.max_upload_size = None  # clean_image says it more plainly
        image.help_text = STEP_IMAGE_HELP  # Wagtail's field writes its own help text
        image.widget.attrs.update(photo_input_attrs())
        # A picture chosen before the form was last refused (core.pending), for its uploader
        # only; "Remove the picture" drops it.
        self.pending_photo = self.dropped_photo = None
        self.accepted_upload = None  # (cleaned photo, name chosen) of a new picture
        if self.is_bound and user is not None:
            token = self.data.get(self.add_prefix("pending_image"), "")
            found = pending.find(user, [token]) if token else []
            if found and self.data.get(self.add_prefix("remove_image")):
                self.dropped_photo = found[0]
            elif found:
                self.pending_photo = found[0]

    def has_changed(self):
        return super().has_changed() or self.pending_photo is not None

    def clean_image(self):
        """The picture cleaned of location and device data, made smaller when large."""
        image = self.cleaned_data.get("image")
        if not image:
            return None
        try:
            photo = clean_photo(image, field="image")
        except Refused as refusal:
            raise forms.ValidationError(refusal.message, code="invalid_image") from refusal
        self.accepted_upload = (photo, image.name)
        return photo

    def new_picture(self):
        """The cleaned picture to store on this step: a new upload, or the one kept."""
        if self.cleaned_data.get("image"):
            return self.cleaned_data["image"]
        if self.pending_photo is not None:
            return pending.as_cleaned(self.pending_photo)
        return None

    def keep_pending_photo(self, user):
        """After a refusal: keep a newly accepted picture for ``user`` to offer it again."""
        if self.accepted_upload is None:
            return []
        photo, name = self.accepted_upload
        superseded = [self.pending_photo] if self.pending_photo else []
        self.pending_photo, self.accepted_upload = pending.keep(user, photo, name), None
        return superseded


class BaseStepFormSet(forms.BaseFormSet):
    def kept_forms(self):
        """The step forms to save, in order: not deleted, and not a blank extra form."""
        initial = self.initial_form_count()
        return [
            (index, form)
            for index, form in enumerate(self.forms)
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and (index < initial or form.has_changed())
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.kept_forms():
            raise forms.ValidationError(_("A lesson needs at least one step."), code="no_steps")


LessonStepFormSet = forms.formset_factory(
    LessonStepForm,
    formset=BaseStepFormSet,
    extra=1,
    min_num=0,
    max_num=30,
    absolute_max=30,
    validate_max=True,
    can_delete=True,
)
