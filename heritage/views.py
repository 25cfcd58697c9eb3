"""Workspace views of teachers, craftsmen and managers, the lesson listing and the feeds."""

import datetime
import re
from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from wagtail.models import Page

from core import ical
from core.roles import CRAFTSMAN, MANAGER, TEACHER, has_role, is_manager
from core.spreadsheets import SpreadsheetExportMixin

from . import calendar_feed, drafts, services
from .forms import (
    CancelForm,
    LessonDraftForm,
    LessonFilterForm,
    LessonStepFormSet,
    MoveForm,
    ReportForm,
    ScheduleForm,
)
from .models import (
    Attendance,
    ClassGroup,
    CraftPage,
    FeedToken,
    Kindergarten,
    LessonPage,
    PlanEntry,
    Season,
    Session,
)

PROGRAMME_ROLES = (MANAGER, TEACHER, CRAFTSMAN)
FEED_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
require_form_methods = require_http_methods(["GET", "HEAD", "POST"])


def programme_role_required(*roles):
    """Logged in, and in one of the roles (default: anyone in the programme)."""
    roles = roles or PROGRAMME_ROLES

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def parse_day(value, default):
    if not value:
        return default
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


# ---------------------------------------------------------------- my week


@require_safe
@programme_role_required()
def my_week(request):
    today = timezone.localdate()
    day = parse_day(request.GET.get("week"), today)
    if day is None or not (2000 <= day.year <= 2100):
        return HttpResponseBadRequest(_("The week must be a date like 2025-03-10."))
    monday, _start, end = services.week_bounds(day)
    sessions = services.week_sessions(request.user, day)
    next_session = None
    if not sessions:  # an empty week: say when the next class is, so nobody pages week by week
        next_session = (
            Session.objects.for_user(request.user)
            .active()
            .filter(starts_at__gte=end)
            .order_by("starts_at")
            .only("starts_at")
            .first()
        )
    days = []
    for offset in range(7):
        date = monday + datetime.timedelta(days=offset)
        todays = [s for s in sessions if timezone.localdate(s.starts_at) == date]
        if todays or offset < 5:
            days.append({"date": date, "sessions": todays, "is_today": date == today})
    can_schedule = has_role(request.user, TEACHER, MANAGER)
    return render(
        request,
        "heritage/my_week.html",
        {
            "days": days,
            "monday": monday,
            "sunday": monday + datetime.timedelta(days=6),
            "previous_week": monday - datetime.timedelta(days=7),
            "next_week": monday + datetime.timedelta(days=7),
            "this_week": monday <= today < monday + datetime.timedelta(days=7),
            "can_schedule": can_schedule,
            "count": len(sessions),
            "next_session": next_session,
        },
    )


# ---------------------------------------------------------------- scheduling


@require_form_methods
@programme_role_required(TEACHER, MANAGER)
def session_new(request):
    user = request.user
    initial = {"teacher": user.pk if has_role(user, TEACHER) else None, "interval_weeks": 1}
    for name in ("class_group", "lesson"):  # links from a class group or a lesson page
        value = request.GET.get(name, "")
        if value.isdigit() and len(value) <= 9:
            initial[name] = int(value)
    form = ScheduleForm(
        request.POST if request.method == "POST" else None, user=user, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            schedule = services.ScheduleRequest(
                lesson=data["lesson"],
                class_group=data["class_group"],
                craftsman=data["craftsman"],
                teacher=data["teacher"],
                day=data["day"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                place=data["place"],
                repeat=data["repeat"],
                weekdays=tuple(int(d) for d in data.get("weekdays") or ()),
                interval_weeks=data.get("interval_weeks") or 1,
                until=data.get("until"),
            )
            try:
                sessions, plan = services.schedule_sessions(schedule, user)
            except services.ServiceError as error:
                form.add_error(error.field, error.message)
            else:
                if plan is None:
                    messages.success(request, _("The session is scheduled."))
                    return redirect(sessions[0].get_absolute_url())
                note = _("%(n)d sessions are scheduled.") % {"n": len(sessions)}
                if plan.skipped:
                    note += " " + _("Skipped for statutory holidays: %(days)s.") % {
                        "days": ", ".join(d.isoformat() for d, _name in plan.skipped)
                    }
                if plan.makeups:
                    note += " " + _("Held on make-up working days: %(days)s.") % {
                        "days": ", ".join(d.isoformat() for d in plan.makeups)
                    }
                if plan.unknown_years:
                    note += " " + _(
                        "No holiday data yet for %(years)s: check those dates by hand."
                    ) % {"years": ", ".join(str(y) for y in sorted(plan.unknown_years))}
                messages.success(request, note)
                week = timezone.localdate(sessions[0].starts_at).isoformat()
                return redirect(reverse("heritage:my_week") + f"?week={week}")
        status = 400
    return render(request, "heritage/session_form.html", {"form": form}, status=status)


def _session_or_404(request, pk, queryset=None):
    queryset = queryset if queryset is not None else Session.objects.for_user(request.user)
    return get_object_or_404(queryset.with_related(), pk=pk)


@require_safe
@programme_role_required()
def session_detail(request, pk):
    session = _session_or_404(request, pk)
    editable = Session.objects.editable_by(request.user).filter(pk=pk).exists()
    counts = {
        row["status"]: row["n"]
        for row in session.attendance.values("status").annotate(n=Count("pk"))
    }
    return render(
        request,
        "heritage/session_detail.html",
        {
            "session": session,
            "editable": editable,
            "counts": [
                (code, label, counts.get(code, 0)) for code, label in Attendance.Status.choices
            ]
            if counts
            else [],
            "move_form": MoveForm.for_session(session),
            "cancel_form": CancelForm(),
        },
    )


@require_form_methods
@programme_role_required(TEACHER, MANAGER)
def session_move(request, pk):
    session = _session_or_404(request, pk, Session.objects.editable_by(request.user))
    form = MoveForm.for_session(session, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.move_session(
                    session,
                    data["day"],
                    data["start_time"],
                    data["end_time"],
                    data["place"],
                    data["reason"],
                    request.user,
                )
            except services.ServiceError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, _("The session is moved."))
                return redirect(session.get_absolute_url())
        status = 400
    return render(
        request, "heritage/session_move.html", {"session": session, "form": form}, status=status
    )


@require_form_methods
@programme_role_required(TEACHER, MANAGER)
def session_cancel(request, pk):
    session = _session_or_404(request, pk, Session.objects.editable_by(request.user))
    form = CancelForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.cancel_session(session, form.cleaned_data["reason"], request.user)
            except services.ServiceError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, _("The session is cancelled."))
                return redirect(session.get_absolute_url())
        status = 400
    return render(
        request, "heritage/session_cancel.html", {"session": session, "form": form}, status=status
    )


# ---------------------------------------------------------------- roll call


@require_form_methods
@programme_role_required()
def roll_call(request, pk):
    session = _session_or_404(request, pk)
    children = services.roll_call_children(session)
    existing = {a.child_id: a for a in session.attendance.all()}
    errors = []
    status = 200
    posted = {}
    if request.method == "POST":
        marks = {}
        for key, value in request.POST.items():
            if not key.startswith("status_"):
                continue
            try:
                child_id = int(key.removeprefix("status_"))
            except ValueError:
                errors.append(_("“%(key)s” is not a child of this class.") % {"key": key})
                continue
            marks[child_id] = (value, request.POST.get(f"reason_{child_id}", ""))
        posted = marks
        if not errors:
            try:
                _roll, created, _n = services.save_roll_call(session, request.user, marks)
            except services.ServiceError as error:
                errors.append(error.message)
            else:
                unmarked = len(children) - len(marks)
                text = _("The roll call is saved.") if created else _("The roll call is updated.")
                if unmarked > 0:
                    text += " " + _("%(n)d children are not marked yet.") % {"n": unmarked}
                messages.success(request, text)
                return redirect(reverse("heritage:roll_call", args=[session.pk]))
        status = 400
    rows = []
    for child in children:
        mark = existing.get(child.pk)
        chosen, reason = posted.get(child.pk, (None, None))
        rows.append(
            {
                "child": child,
                "status": chosen or (mark.status if mark else ""),
                "reason": reason if reason is not None else (mark.reason if mark else ""),
            }
        )
    taken = hasattr(session, "roll_call")
    if not taken and not posted:
        for row in rows:  # "all present" as the start of a new roll call
            row["status"] = Attendance.Status.PRESENT
    rate = services.overall_rate(Attendance.objects.filter(session=session)) if taken else None
    return render(
        request,
        "heritage/roll_call.html",
        {
            "session": session,
            "rows": rows,
            "statuses": Attendance.Status.choices,
            "errors": errors,
            "taken": taken,
            "roll": getattr(session, "roll_call", None),
            "rate": rate,
            "can_take": not session.is_cancelled
            and timezone.localdate(session.starts_at) <= timezone.localdate(),
        },
        status=status,
    )


# ---------------------------------------------------------------- kindergartens


@require_safe
@programme_role_required(TEACHER, MANAGER)
def kindergarten_list(request):
    kindergartens = (
        Kindergarten.objects.for_user(request.user)
        .annotate(
            class_count=Count("class_groups", distinct=True),
            child_count=Count("class_groups__children", distinct=True),
        )
        .order_by("name")
    )
    page = Paginator(kindergartens, 30).get_page(request.GET.get("page"))
    return render(request, "heritage/kindergarten_list.html", {"page_obj": page})


@require_safe
@programme_role_required(TEACHER, MANAGER)
def kindergarten_detail(request, pk):
    kindergarten = get_object_or_404(Kindergarten.objects.for_user(request.user), pk=pk)
    class_groups = (
        kindergarten.class_groups.select_related("teacher")
        .annotate(child_count=Count("children"))
        .order_by("name")
    )
    return render(
        request,
        "heritage/kindergarten_detail.html",
        {
            "kindergarten": kindergarten,
            "class_groups": class_groups,
            "teachers": kindergarten.teachers.order_by("first_name"),
            "plan": PlanEntry.objects.filter(kindergarten=kindergarten).select_related(
                "season", "craft", "craftsman"
            ),
        },
    )


@require_safe
@programme_role_required(TEACHER, MANAGER)
def class_group_detail(request, pk):
    class_group = get_object_or_404(
        ClassGroup.objects.for_user(request.user).select_related("kindergarten", "teacher"),
        pk=pk,
    )
    children = class_group.children.order_by("display_name", "pk")
    page = Paginator(children, 60).get_page(request.GET.get("page"))
    return render(
        request,
        "heritage/class_group_detail.html",
        {
            "class_group": class_group,
            "page_obj": page,
            "today": timezone.localdate(),
            "can_schedule": has_role(request.user, TEACHER, MANAGER),
        },
    )


# ---------------------------------------------------------------- seasons and plan


@require_safe
@programme_role_required()
def plan(request):
    seasons = list(Season.objects.all())
    season = None
    if request.GET.get("season"):
        try:
            season = next(s for s in seasons if s.pk == int(request.GET["season"]))
        except (ValueError, StopIteration) as error:
            raise Http404 from error
    season = season or Season.current()
    entries = (
        PlanEntry.objects.filter(season=season)
        .select_related("kindergarten", "craft", "craftsman")
        .order_by("round", "kindergarten__name")
        if season
        else PlanEntry.objects.none()
    )
    return render(
        request,
        "heritage/plan.html",
        {
            "seasons": seasons,
            "season": season,
            "entries": entries,
            "matrix": services.coverage_matrix(season),
            "is_manager": is_manager(request.user),
        },
    )


@require_POST
@programme_role_required(MANAGER)
def plan_generate(request):
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that the plan is to be replaced."))
        return redirect("heritage:plan")
    try:
        count = services.apply_rotation()
    except services.ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("A new rotation of %(n)d plan entries is saved.") % {"n": count}
        )
    return redirect("heritage:plan")


# ---------------------------------------------------------------- reports


def _report_queryset(request):
    form = ReportForm(request.GET or None, user=request.user)
    if request.GET and not form.is_valid():
        return form, None
    filters = form.cleaned_data if form.is_bound else {}
    queryset = services.filter_attendance(services.attendance_in_scope(request.user), filters)
    return form, queryset


@require_safe
@programme_role_required()
def reports(request):
    form, queryset = _report_queryset(request)
    if queryset is None:
        return render(request, "heritage/reports.html", {"form": form}, status=400)
    by = form.cleaned_data.get("by") if form.is_bound else ""
    by = by or "kindergarten"
    rows_qs = services.with_rates(queryset.order_by().values(*services.GROUPINGS[by])).order_by(
        services.GROUPINGS[by][1]
    )
    page = Paginator(rows_qs, 50).get_page(request.GET.get("page"))
    rows = []
    for row in page.object_list:
        name, *context = [row[f] for f in services.GROUPINGS[by][1:]]
        rows.append(
            {
                **row,
                "label": str(name or "—"),
                "context": " · ".join(str(p) for p in reversed(context) if p),
            }
        )
    chart = {
        "labels": [r["label"] for r in rows],
        "rates": [round(r["rate"], 1) if r["rate"] is not None else None for r in rows],
        "title": force_str(_("Attendance rate (%)")),
    }
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "heritage/reports.html",
        {
            "form": form,
            "by": by,
            "rows": rows,
            "page_obj": page,
            "overall": services.overall_rate(queryset),
            "chart": chart,
            "query": query.urlencode(),
            "matrix": services.coverage_matrix(
                form.cleaned_data.get("season") if form.is_bound else Season.current(),
                Kindergarten.objects.for_user(request.user),
            ),
        },
    )


STATUS_EXPORT = {
    "present": gettext_lazy("present"),
    "late": gettext_lazy("late"),
    "excused": gettext_lazy("excused"),
    "absent": gettext_lazy("absent"),
}
EXPORT_HEADINGS = {
    "date": gettext_lazy("date"),
    "kindergarten": gettext_lazy("kindergarten"),
    "class_group": gettext_lazy("class group"),
    "craft": gettext_lazy("craft"),
    "lesson": gettext_lazy("lesson"),
    "child": gettext_lazy("child"),
    "status": gettext_lazy("status"),
}


class AttendanceExportView(SpreadsheetExportMixin, View):
    """Attendance rows as CSV or XLSX, through Wagtail's spreadsheet export."""

    list_export = list(services.EXPORT_FIELDS)

    def get(self, request, export_format):
        if export_format not in self.FORMATS:
            raise Http404
        if not has_role(request.user, *PROGRAMME_ROLES):
            raise PermissionDenied
        form, queryset = _report_queryset(request)
        if queryset is None:
            return render(request, "heritage/reports.html", {"form": form}, status=400)
        # Resolve translations now: the CSV streams after the view returns.
        self.headings = {field: force_str(label) for field, label in EXPORT_HEADINGS.items()}
        self.statuses = {code: force_str(label) for code, label in STATUS_EXPORT.items()}
        today = timezone.localdate()
        self.export_filename = f"attendance-{today:%Y%m%d}"
        label = _("Attendance")
        self.export_title = f"{label} {today:%Y-%m-%d}"
        return self.as_spreadsheet(services.export_rows(queryset), export_format)

    def get_heading(self, queryset, field):
        return self.headings[field]

    def to_row_dict(self, item):
        row = dict(zip(self.list_export, item, strict=True))
        row["status"] = self.statuses.get(row["status"], row["status"])
        return row


attendance_export = require_safe(login_required(AttendanceExportView.as_view()))


# ---------------------------------------------------------------- calendar feeds


def _feeds_for(user):
    """The feeds a user may have, creating the missing ones (get-or-create, bounded)."""
    wanted = []
    if has_role(user, TEACHER):
        wanted.append((FeedToken.Kind.TEACHER, None))
    if has_role(user, CRAFTSMAN):
        wanted.append((FeedToken.Kind.CRAFTSMAN, None))
    kindergartens = (
        Kindergarten.objects.all()
        if is_manager(user)
        else Kindergarten.objects.filter(teachers=user)
    )
    for kindergarten in kindergartens.order_by("name")[:50]:
        wanted.append((FeedToken.Kind.KINDERGARTEN, kindergarten))
    existing = {
        (f.kind, f.kindergarten_id): f
        for f in FeedToken.objects.filter(owner=user, revoked_at__isnull=True).select_related(
            "kindergarten"
        )
    }
    feeds = []
    for kind, kindergarten in wanted:
        key = (kind, kindergarten.pk if kindergarten else None)
        feed = existing.get(key)
        if feed is None:
            feed = FeedToken.objects.create(kind=kind, owner=user, kindergarten=kindergarten)
        feeds.append(feed)
    return feeds


@require_safe
@programme_role_required()
def feeds(request):
    items = []
    for feed in _feeds_for(request.user):
        url = request.build_absolute_uri(feed.get_absolute_url())
        webcal = "webcal://" + url.split("://", 1)[1]
        google = "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe="")
        items.append({"feed": feed, "url": url, "webcal": webcal, "google": google})
    return render(request, "heritage/feeds.html", {"items": items})


@require_POST
@programme_role_required()
def feed_revoke(request, pk):
    feed = get_object_or_404(FeedToken, pk=pk, owner=request.user, revoked_at__isnull=True)
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    FeedToken.objects.create(kind=feed.kind, owner=feed.owner, kindergarten=feed.kindergarten)
    messages.success(
        request, _("The old address no longer works. Subscribe again with the new one.")
    )
    return redirect("heritage:feeds")


@require_safe
def feed(request, token):
    # Tokens are URL-safe base64; anything else (a NUL byte, a pasted fragment) is unknown.
    if not FEED_TOKEN_RE.fullmatch(token):
        raise Http404
    feed = get_object_or_404(
        FeedToken.objects.select_related("owner", "kindergarten"),
        token=token,
        revoked_at__isnull=True,
    )
    if not feed.owner.is_active:
        raise Http404
    sessions = list(calendar_feed.sessions_for_feed(feed))
    body = calendar_feed.build_calendar(feed, sessions, request)
    changed = max((s.updated_at for s in sessions), default=feed.created_at)
    return ical.calendar_response(
        request, body, "heritage.ics", private=True, last_modified=changed
    )


# ---------------------------------------------------------------- public lesson listing


def lesson_listing(request, programme):
    form = LessonFilterForm(request.GET or None, programme=programme)
    lessons = LessonPage.objects.descendant_of(programme).live().public().order_by("path")
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            if data.get("craft"):
                lessons = lessons.child_of(data["craft"])
            if data.get("age_band"):
                lessons = lessons.filter(age_band=data["age_band"])
            if data.get("tag"):
                lessons = lessons.filter(tags__name=data["tag"])
        else:
            status = 400
            lessons = lessons.none()
    page = Paginator(lessons.prefetch_related("tags"), 24).get_page(request.GET.get("page"))
    craft_titles = dict(CraftPage.objects.child_of(programme).values_list("path", "title"))
    from taggit.models import Tag

    tags = Tag.objects.filter(heritage_lessontag_items__isnull=False).distinct().order_by("name")
    query = request.GET.copy()
    query.pop("page", None)
    return _render_listing(request, programme, form, page, craft_titles, tags, query, status)


def _render_listing(request, programme, form, page, craft_titles, tags, query, status):
    return render(
        request,
        "heritage/lesson_listing.html",
        {
            "page": programme,
            "self": programme,
            "form": form,
            "page_obj": page,
            "lessons": [
                (lesson, craft_titles.get(lesson.path[: -Page.steplen], ""))
                for lesson in page.object_list
            ],
            "tags": tags,
            "query": query.urlencode(),
        },
        status=status,
    )


# ---------------------------------------------------------------- lesson drafts of craftsmen


@require_safe
@programme_role_required(CRAFTSMAN)
def my_lessons(request):
    crafts = list(drafts.crafts_of(request.user))
    rows = drafts.lesson_rows(drafts.lessons_of(request.user).select_related("latest_revision"))
    by_craft = {craft.pk: {"craft": craft, "rows": []} for craft in crafts}
    paths = {craft.path: craft.pk for craft in crafts}
    for row in rows:
        by_craft[paths[row.page.path[: -Page.steplen]]]["rows"].append(row)
    return render(request, "heritage/my_lessons.html", {"crafts": list(by_craft.values())})


def _step_initial(page):
    initial, images = [], []
    for block in page.steps:
        if block.block_type != "step":
            continue
        value = block.value
        initial.append(
            {
                "title": value.get("title") or "",
                "text": drafts.richtext_to_lines(value.get("text")),
                "tip": value.get("tip") or "",
            }
        )
        images.append((value.get("image"), str(value.get("text") or "")))
    return initial, images


def _draft_input(form, formset, originals, initial_goals, original_goals_html):
    data = form.cleaned_data
    steps = []
    for index, step_form in formset.kept_forms():
        step = step_form.cleaned_data
        image, text_html = originals[index] if index < len(originals) else (None, None)
        unchanged_text = index < len(originals) and step["text"] == drafts.richtext_to_lines(
            text_html
        )
        steps.append(
            drafts.StepInput(
                title=step["title"].strip(),
                text=step["text"],
                tip=step.get("tip", "").strip(),
                image=step.get("image"),
                keep_image_id=image.pk if image and not step.get("remove_image") else None,
                original_text_html=text_html if unchanged_text else None,
            )
        )
    return drafts.LessonInput(
        title=data["title"].strip(),
        age_band=data["age_band"],
        duration_minutes=data["duration_minutes"],
        goals=data["goals"],
        materials=data["materials"],
        safety_notes=data.get("safety_notes", ""),
        steps=steps,
        tags=data["tags"],
        original_goals_html=original_goals_html if data["goals"].strip() == initial_goals else None,
    )


def _lesson_form_view(request, craft, lesson=None):
    """The draft form of a new lesson (lesson=None) or of an existing one."""
    originals, initial, step_initial = [], {}, []
    initial_goals, original_goals_html = "", None
    if lesson is not None:
        latest = lesson.get_latest_revision_as_object()
        initial_goals = drafts.richtext_to_lines(latest.goals)
        original_goals_html = str(latest.goals)
        initial = {
            "title": latest.title,
            "age_band": latest.age_band,
            "duration_minutes": latest.duration_minutes,
            "goals": initial_goals,
            "materials": latest.materials,
            "safety_notes": latest.safety_notes,
            "tags": [tag.name for tag in latest.tags.all()],
        }
        step_initial, originals = _step_initial(latest)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = LessonDraftForm(data, initial=initial or None)
    formset = LessonStepFormSet(data, files, initial=step_initial or None, prefix="steps")
    errors = []
    status = 200
    if request.method == "POST":
        if lesson is not None and lesson.locked:
            errors.append(_("A manager has locked this lesson; it cannot be changed now."))
        elif not formset.is_bound or "steps-TOTAL_FORMS" not in request.POST:
            errors.append(_("The steps of the lesson are missing. Reload the page and try again."))
        elif form.is_valid() and formset.is_valid():
            draft = _draft_input(form, formset, originals, initial_goals, original_goals_html)
            try:
                if lesson is None:
                    drafts.create_draft(craft, draft, request.user)
                    text = _("The lesson “%(title)s” is saved and sent to a manager for review.")
                else:
                    drafts.save_draft(lesson, draft, request.user)
                    text = _(
                        "Your changes to “%(title)s” are saved and sent to a manager for review. "
                        "The published lesson stays as it is until they are approved."
                    )
            except drafts.DraftError as error:
                errors.append(error.message)
            else:
                messages.success(request, text % {"title": draft.title})
                return redirect("heritage:my_lessons")
        status = 400
        if request.FILES:
            errors.append(
                _("Choose the pictures again: a browser does not keep them after an error.")
            )
    for index, step_form in enumerate(formset.forms):
        step_form.current_image = originals[index][0] if index < len(originals) else None
    return render(
        request,
        "heritage/lesson_form.html",
        {
            "craft": craft,
            "lesson": lesson,
            "form": form,
            "formset": formset,
            "errors": errors,
            "in_review": lesson is not None and drafts.awaiting_review(lesson),
            "changes_requested": drafts.changes_requested(lesson) if lesson else None,
        },
        status=status,
    )


@require_form_methods
@programme_role_required(CRAFTSMAN)
def lesson_new(request, craft_pk):
    craft = get_object_or_404(drafts.crafts_of(request.user), pk=craft_pk)
    return _lesson_form_view(request, craft)


@require_form_methods
@programme_role_required(CRAFTSMAN)
def lesson_edit(request, pk):
    lesson = get_object_or_404(drafts.lessons_of(request.user), pk=pk)
    return _lesson_form_view(request, lesson.get_parent().specific, lesson)


@require_safe
@programme_role_required(CRAFTSMAN)
def lesson_preview(request, pk):
    """The latest draft of a lesson, as the public page will show it once approved."""
    lesson = get_object_or_404(drafts.lessons_of(request.user), pk=pk)
    latest = lesson.get_latest_revision_as_object()
    return render(
        request,
        "heritage/lesson_preview.html",
        {"page": latest, "self": latest, "craft": lesson.get_parent().specific},
    )
