"""The mentor–apprentice workspace, the manager's view, exports, photos and the calendar feed.

Every view reads through ``Pairing.objects.for_user``: outside one's scope is a 404.
"""

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.generic import ListView
from wagtail.images.exceptions import InvalidFilterSpecError
from wagtail.images.models import SourceImageIOError

from core import ical, roles
from core.spreadsheets import SpreadsheetExportMixin

from .forms import ConfirmForm, EntryForm, PairingFilter, StatusForm, UnlockForm
from .models import ActivityPage, EvidencePhoto, LogEntry, Pairing
from .pagination import paginate
from .services.access import entries_for_user, is_apprentice_of, is_mentor_of
from .services.completion import complete_pairing
from .services.logbook import (
    check_entry_open,
    confirm_entry,
    delete_entry,
    remove_photo,
    save_entry,
    unlock_entry,
)
from .services.pairings import change_status
from .services.progress import competency_map, hours_series, skills_series

PHOTO_SIZES = {"thumb": "fill-240x180", "large": "max-1200x1200"}
WORKSPACE_ROLES = (roles.MENTOR, roles.APPRENTICE, roles.MANAGER)
ENTRY_FILTERS = {"", "open"}
# The public feed keeps recent past activities, so they do not vanish from calendars at once.
ACTIVITY_FEED_PAST_DAYS = 14
ACTIVITY_FEED_MAX = 300
UNKNOWN_CHANGE = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


def workspace_view(view):
    """Logged in, and a mentor, an apprentice or a manager: anyone else gets a 403.

    Within the roles, scope comes from the data: another's pairing is a 404.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not roles.has_role(request.user, *WORKSPACE_ROLES):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _refused(request, pairing, message, back, status=400):
    """A refusal page: what was refused, why, and the way back (nothing is saved)."""
    return render(
        request,
        "academy/refused.html",
        {"pairing": pairing, "message": message, "back": back},
        status=status,
    )


def _pairings(user):
    return (
        Pairing.objects.for_user(user)
        .with_totals()
        .select_related("mentor", "apprentice", "trade", "studio", "certificate")
    )


def _pairing_or_404(user, pk):
    return get_object_or_404(_pairings(user), pk=pk)


def _entry_or_404(user, pk):
    return get_object_or_404(
        entries_for_user(user).select_related(
            "pairing", "pairing__mentor", "pairing__apprentice", "pairing__trade", "confirmed_by"
        ),
        pk=pk,
    )


def _refuse(form, error):
    """Copy a service's ValidationError onto a form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(
                    field if field in form.fields and field != "__all__" else None, message
                )
    else:
        for message in error.messages:
            form.add_error(None, message)


# --- dashboard and pairing ----------------------------------------------------------------


@workspace_view
@require_safe
def dashboard(request):
    """My pairings: a mentor's apprentices, an apprentice's mentor, with progress at a glance.

    Each card carries its hours bar and its flags (stale, entries to confirm, ready to
    complete, past the planned end), all from the annotated totals: no query per card.
    """
    user = request.user
    mine = Pairing.objects.filter(Q(mentor=user) | Q(apprentice=user))
    pairings = (
        mine.with_totals()
        .select_related("mentor", "apprentice", "trade", "studio")
        .order_by("status", "-start", "pk")
    )
    page = paginate(request, pairings, per_page=20)
    return render(
        request,
        "academy/dashboard.html",
        {
            "pairings": page,
            "is_manager": roles.is_manager(user),
            "to_confirm": LogEntry.objects.filter(
                pairing__apprentice=user, confirmed_at__isnull=True
            ).count(),
        },
    )


@workspace_view
@require_safe
def pairing_detail(request, pk):
    pairing = _pairing_or_404(request.user, pk)
    show = request.GET.get("show", "")
    if show not in ENTRY_FILTERS:
        raise Http404("unknown entry filter")
    entries = pairing.entries.all()
    if show == "open":
        entries = entries.filter(confirmed_at__isnull=True)
    entries = (
        entries.select_related("confirmed_by")
        .prefetch_related(
            "skills",
            Prefetch("photos", queryset=EvidencePhoto.objects.order_by("taken_at", "pk")),
        )
        .order_by("-date", "-pk")
    )
    manager = roles.is_manager(request.user)
    return render(
        request,
        "academy/pairing_detail.html",
        {
            "pairing": pairing,
            "entries": paginate(request, entries, per_page=20),
            "show": show,
            "competency_map": competency_map(pairing),
            "hours_series": hours_series(pairing),
            "skills_series": skills_series(pairing),
            "is_mentor": is_mentor_of(request.user, pairing),
            "is_apprentice": is_apprentice_of(request.user, pairing),
            "is_manager": manager,
            "status_form": StatusForm(
                manager=manager,
                initial={"status": pairing.status, "reason": pairing.break_reason},
            ),
        },
    )


@workspace_view
@require_POST
def pairing_status(request, pk):
    pairing = _pairing_or_404(request.user, pk)
    manager = roles.is_manager(request.user)
    if not (manager or is_mentor_of(request.user, pairing)):
        raise PermissionDenied
    form = StatusForm(request.POST, manager=manager)
    if (
        form.is_valid()
        and form.cleaned_data["status"] == Pairing.Status.WITHDRAWN
        and pairing.is_open
        and request.POST.get("confirm") != "yes"
    ):
        # Withdrawing cannot be undone: ask once more before saving it.
        return render(
            request,
            "academy/pairing_status.html",
            {"pairing": pairing, "form": form, "confirm_withdraw": True},
        )
    if form.is_valid():
        try:
            change_status(
                pairing, request.user, form.cleaned_data["status"], form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("The pairing's status is saved."))
            return redirect(pairing)
    return render(
        request,
        "academy/pairing_status.html",
        {"pairing": pairing, "form": form},
        status=400,
    )


@workspace_view
@require_http_methods(["GET", "HEAD", "POST"])
def pairing_complete(request, pk):
    """The manager completes a pairing whose targets are met, which issues the certificate."""
    pairing = _pairing_or_404(request.user, pk)
    if not roles.is_manager(request.user):
        raise PermissionDenied
    if pairing.status == Pairing.Status.COMPLETED:
        if request.method == "POST":
            return _refused(
                request,
                pairing,
                _("This pairing is already completed."),
                pairing.get_absolute_url(),
            )
        messages.info(request, _("This pairing is already completed."))
        return redirect(pairing)
    status, error = 200, None
    if request.method == "POST":
        try:
            pairing = complete_pairing(pairing, request.user)
        except ValidationError as refusal:
            error, status = " ".join(refusal.messages), 400
        else:
            messages.success(
                request,
                _("The pairing is completed. Certificate %(code)s is being rendered.")
                % {"code": pairing.certificate.code},
            )
            return redirect(pairing)
    return render(
        request,
        "academy/pairing_complete.html",
        {"pairing": pairing, "error": error},
        status=status,
    )


# --- logbook entries ----------------------------------------------------------------------


@workspace_view
@require_http_methods(["GET", "HEAD", "POST"])
def entry_create(request, pk):
    pairing = _pairing_or_404(request.user, pk)
    if not is_mentor_of(request.user, pairing):
        raise PermissionDenied
    if not pairing.accepts_entries:
        message = _("This pairing is %(status)s: no more entries can be logged.") % {
            "status": pairing.get_status_display().lower()
        }
        return _locked(request, pairing, message, pairing.get_absolute_url())
    return _entry_form(request, pairing, None)


def _locked(request, pairing, message, back):
    """A locked entry or a closed pairing: a GET goes back with the message, a POST is a 400."""
    if request.method == "POST":
        return _refused(request, pairing, message, back)
    messages.error(request, message)
    return redirect(back)


@workspace_view
@require_http_methods(["GET", "HEAD", "POST"])
def entry_edit(request, pk):
    entry = _entry_or_404(request.user, pk)
    if not is_mentor_of(request.user, entry.pairing):
        raise PermissionDenied
    refusal = check_entry_open(entry)
    if refusal:
        return _locked(request, entry.pairing, refusal, entry.get_absolute_url())
    return _entry_form(request, entry.pairing, entry)


def _entry_form(request, pairing, entry):
    status = 200
    if request.method == "POST":
        form = EntryForm(request.POST, request.FILES, pairing=pairing, entry=entry)
        if form.is_valid():
            try:
                saved = save_entry(
                    pairing,
                    request.user,
                    date=form.cleaned_data["date"],
                    hours=form.cleaned_data["hours"],
                    skills=form.cleaned_data["skills"],
                    ratings=form.ratings(),
                    notes=form.cleaned_data["notes"],
                    photos=form.cleaned_data["photos"],
                    entry=entry,
                )
            except ValidationError as error:
                _refuse(form, error)
            else:
                messages.success(
                    request,
                    _("Session of %(date)s saved: %(hours)s hours.")
                    % {"date": saved.date.isoformat(), "hours": saved.hours},
                )
                return redirect(pairing)
        status = 400
    else:
        form = EntryForm(pairing=pairing, entry=entry)
    return render(
        request,
        "academy/entry_form.html",
        {
            "pairing": pairing,
            "entry": entry,
            "form": form,
            "photos": entry.photos.all() if entry is not None else [],
        },
        status=status,
    )


@workspace_view
@require_safe
def entry_detail(request, pk):
    entry = _entry_or_404(request.user, pk)
    return render(
        request,
        "academy/entry_detail.html",
        {
            "entry": entry,
            "pairing": entry.pairing,
            "photos": entry.photos.all(),
            "ratings": entry.ratings.select_related("competency"),
            "is_mentor": is_mentor_of(request.user, entry.pairing),
            "is_apprentice": is_apprentice_of(request.user, entry.pairing),
            "is_manager": roles.is_manager(request.user),
            "can_change": check_entry_open(entry) is None,
            "confirm_form": ConfirmForm(initial={"reflection": entry.reflection}),
            "unlock_form": UnlockForm(),
        },
    )


@workspace_view
@require_http_methods(["GET", "HEAD", "POST"])
def entry_confirm(request, pk):
    entry = _entry_or_404(request.user, pk)
    if not is_apprentice_of(request.user, entry.pairing):
        raise PermissionDenied
    if entry.is_confirmed:
        return _locked(
            request, entry.pairing, _("This entry is already confirmed."), entry.get_absolute_url()
        )
    form = ConfirmForm(
        request.POST if request.method == "POST" else None, initial={"reflection": entry.reflection}
    )
    if request.method == "POST" and form.is_valid():
        try:
            confirm_entry(entry, request.user, form.cleaned_data["reflection"])
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("Thank you: the entry is confirmed and locked."))
            return redirect(entry.pairing)
    return render(
        request,
        "academy/entry_confirm.html",
        {
            "entry": entry,
            "pairing": entry.pairing,
            "form": form,
            "photos": entry.photos.all(),
            "ratings": entry.ratings.select_related("competency"),
        },
        status=400 if request.method == "POST" else 200,
    )


@workspace_view
@require_POST
def entry_unlock(request, pk):
    entry = _entry_or_404(request.user, pk)
    if not roles.is_manager(request.user):
        raise PermissionDenied
    form = UnlockForm(request.POST)
    if form.is_valid():
        try:
            unlock_entry(entry, request.user, form.cleaned_data["reason"])
        except ValidationError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("The entry is unlocked; the mentor can correct it."))
            return redirect(entry)
    return render(
        request,
        "academy/entry_unlock.html",
        {"entry": entry, "pairing": entry.pairing, "form": form},
        status=400,
    )


@workspace_view
@require_http_methods(["GET", "HEAD", "POST"])
def entry_delete(request, pk):
    entry = _entry_or_404(request.user, pk)
    if not is_mentor_of(request.user, entry.pairing):
        raise PermissionDenied
    refusal = check_entry_open(entry)
    if refusal:
        return _locked(request, entry.pairing, refusal, entry.get_absolute_url())
    if request.method == "POST":
        pairing = entry.pairing
        try:
            delete_entry(entry, request.user)
        except ValidationError as error:
            return _refused(request, pairing, " ".join(error.messages), entry.get_absolute_url())
        messages.success(request, _("The entry is deleted."))
        return redirect(pairing)
    return render(
        request,
        "academy/entry_delete.html",
        {"entry": entry, "pairing": entry.pairing, "photo_count": entry.photos.count()},
    )


@workspace_view
@require_http_methods(["GET", "HEAD", "POST"])
def photo_remove(request, pk):
    """The mentor removes one evidence photo from an entry not yet confirmed, after asking."""
    evidence = get_object_or_404(
        EvidencePhoto.objects.filter(entry__in=entries_for_user(request.user)).select_related(
            "entry", "entry__pairing", "entry__pairing__apprentice"
        ),
        pk=pk,
    )
    entry, pairing = evidence.entry, evidence.entry.pairing
    if not is_mentor_of(request.user, pairing):
        raise PermissionDenied
    back = reverse("academy:entry_edit", args=[entry.pk])
    refusal = check_entry_open(entry, pairing)
    if refusal:
        return _locked(request, pairing, refusal, entry.get_absolute_url())
    if request.method == "POST":
        try:
            remove_photo(evidence, request.user)
        except ValidationError as error:
            return _refused(request, pairing, " ".join(error.messages), entry.get_absolute_url())
        messages.success(request, _("The photo is removed from the entry."))
        return redirect(back)
    return render(
        request,
        "academy/photo_remove.html",
        {"photo": evidence, "entry": entry, "pairing": pairing, "back": back},
    )


@workspace_view
@require_safe
def photo(request, pk, size):
    """An evidence photo, resized by Wagtail, for those who may see its pairing only."""
    if size not in PHOTO_SIZES:
        raise Http404
    evidence = get_object_or_404(
        EvidencePhoto.objects.filter(entry__in=entries_for_user(request.user)).select_related(
            "image"
        ),
        pk=pk,
    )
    try:
        rendition = evidence.image.get_rendition(PHOTO_SIZES[size])
        handle = rendition.file.open("rb")
    except (SourceImageIOError, InvalidFilterSpecError, OSError) as error:
        raise Http404("photo missing") from error
    response = FileResponse(handle, content_type=_content_type(rendition.file.name))
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _content_type(name):
    extension = name.rsplit(".", 1)[-1].lower()
    return {
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "png": "image/png",
        "gif": "image/gif",
        "webp": "image/webp",
        "avif": "image/avif",
    }.get(extension, "application/octet-stream")


# --- exports and the manager's view -------------------------------------------------------


class LogbookExportView(SpreadsheetExportMixin, ListView):
    """A pairing's logbook as CSV or XLSX, for its mentor, apprentice and managers."""

    list_export = [
        "date",
        "hours",
        "skill_names",
        "notes",
        "reflection",
        "confirmed_at",
    ]

    @method_decorator(workspace_view)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        self.pairing = _pairing_or_404(self.request.user, self.kwargs["pk"])
        return self.pairing.entries.prefetch_related("skills").order_by("date", "pk")

    def get_filename(self):
        return f"logbook-{self.pairing.pk}-{timezone.localdate():%Y%m%d}"

    def get_export_title(self):
        name = self.pairing.apprentice_name or _("apprentice")
        label = _("Logbook")
        return f"{label} {name} {timezone.localdate():%Y-%m-%d}"

    def get_heading(self, queryset, field):
        if field == "skill_names":
            return _("Skills practised")
        return super().get_heading(queryset, field)

    def to_row_dict(self, item):
        item.skill_names = ", ".join(sorted(tag.name for tag in item.skills.all()))
        return super().to_row_dict(item)

    def get(self, request, *args, **kwargs):
        export = kwargs["format"]
        if export not in self.FORMATS:
            raise Http404
        return self.as_spreadsheet(self.get_queryset(), export)


class ManagerPairingListView(SpreadsheetExportMixin, ListView):
    """Every pairing with status, hours, last entry and flags; filters; CSV and XLSX."""

    template_name = "academy/manager_pairings.html"
    paginate_by = 30
    context_object_name = "pairings"
    list_export = [
        "pk",
        "mentor_name",
        "apprentice_name",
        "trade.name",
        "studio.title",
        "get_status_display",
        "break_reason",
        "start",
        "planned_end",
        "target_hours",
        "hours_logged",
        "hours_percent",
        "entry_count",
        "unconfirmed_count",
        "last_entry_on",
        "competencies_reached",
        "competencies_total",
        "is_stale",
        "certificate.code",
    ]

    @property
    def export_headings(self):
        return {
            "pk": _("ID"),
            "mentor_name": _("Mentor"),
            "apprentice_name": _("Apprentice"),
            "trade.name": _("Trade"),
            "studio.title": _("Studio"),
            "get_status_display": _("Status"),
            "break_reason": _("Reason for the break"),
            "start": _("Start"),
            "planned_end": _("Planned end"),
            "target_hours": _("Target hours"),
            "hours_logged": _("Hours logged"),
            "hours_percent": _("Share of target, percent"),
            "entry_count": _("Entries"),
            "unconfirmed_count": _("Entries to confirm"),
            "last_entry_on": _("Last entry"),
            "competencies_reached": _("Competencies reached"),
            "competencies_total": _("Competencies to reach"),
            "is_stale": _("Stale"),
            "certificate.code": _("Certificate"),
        }

    def get_filename(self):
        return f"pairings-{timezone.localdate():%Y%m%d}"

    def get_export_title(self):
        label = _("Pairings")
        return f"{label} {timezone.localdate():%Y-%m-%d}"

    def to_row_dict(self, item):
        row = {}
        for field in self.list_export:
            value = item
            for part in field.split("."):
                value = getattr(value, part, None) if value is not None else None
            row[field] = value() if callable(value) else value
        return row

    @method_decorator(login_required)
    def dispatch(self, request, *args, **kwargs):
        if not roles.is_manager(request.user):
            raise PermissionDenied
        export = request.GET.get("export")
        if export and export not in self.FORMATS:
            return HttpResponse(_("Unknown export format."), status=400)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        """The filtered pairings, without totals: totals are added to one page only."""
        self.filterset = PairingFilter(self.request.GET or None, queryset=Pairing.objects.all())
        if self.filterset.is_bound and not self.filterset.is_valid():
            self.invalid_filters = True
            return Pairing.objects.none()
        self.invalid_filters = False
        return self.filterset.qs.order_by("status", "-start", "pk")

    def with_totals(self, queryset):
        return (
            _pairings(self.request.user)
            .select_related("certificate")
            .filter(pk__in=queryset.values("pk"))
            .order_by("status", "-start", "pk")
        )

    def get(self, request, *args, **kwargs):
        if self.is_export:
            queryset = self.get_queryset()
            if self.invalid_filters:
                return HttpResponse(_("Invalid filters."), status=400)
            return self.as_spreadsheet(self.with_totals(queryset), request.GET["export"])
        response = super().get(request, *args, **kwargs)
        if self.invalid_filters:
            response.status_code = 400
        return response

    def paginate_queryset(self, queryset, page_size):
        page = paginate(self.request, queryset.values_list("pk", flat=True), page_size)
        ids = list(page.object_list)
        rows = {
            pairing.pk: pairing for pairing in self.with_totals(Pairing.objects.filter(pk__in=ids))
        }
        page.object_list = [rows[pk] for pk in ids if pk in rows]
        return page.paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context["query"] = query.urlencode()
        return context


# --- public calendar ----------------------------------------------------------------------


def _activity_changed_at(activity):
    """When the activity last changed; a fixed date for pages never published in the editor.

    Never "now": the feed must be the same bytes until something changes (ETag, 304).
    """
    return (
        activity.last_published_at
        or activity.latest_revision_created_at
        or activity.first_published_at
        or UNKNOWN_CHANGE
    )


@require_safe
def activities_ical(request):
    """The upcoming activities of the academy as an iCalendar feed (public, subscribable)."""
    now = timezone.now()
    activities = list(
        ActivityPage.objects.live()
        .public()
        .filter(starts_at__gte=now - datetime.timedelta(days=ACTIVITY_FEED_PAST_DAYS))
        .order_by("starts_at", "pk")[:ACTIVITY_FEED_MAX]
    )
    calendar = ical.new_calendar(
        _("Craftsman academy activities"),
        description=_("Classes, workshops and service visits of the craftsman academy."),
        source_url=request.build_absolute_uri(reverse("academy:activities_ical")),
    )
    for activity in activities:
        changed = _activity_changed_at(activity)
        calendar.add_component(
            ical.new_event(
                uid=ical.make_uid("academy-activity", activity.translation_key),
                summary=activity.title,
                starts_at=activity.starts_at,
                ends_at=activity.ends_at or activity.starts_at + datetime.timedelta(hours=2),
                changed_at=changed,
                sequence=activity.ical_sequence,
                location=activity.place,
                description=activity.summary,
                url=request.build_absolute_uri(activity.get_url(request) or "/"),
            )
        )
    last_modified = max((_activity_changed_at(a) for a in activities), default=None)
    return ical.calendar_response(
        request,
        ical.to_ical(calendar),
        "academy-activities.ics",
        private=False,
        last_modified=last_modified,
    )
