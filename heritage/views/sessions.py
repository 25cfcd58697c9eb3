"""Scheduling: a new session or series, a session's page, moving and cancelling it."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.access import role_required, scoped_or_404
from core.refusals import Refused
from core.roles import CRAFTSMAN, TEACHER, has_role

from ..forms import CancelForm, MoveForm, ScheduleForm
from ..models import Attendance, Session
from ..services.scheduling import (
    FOLLOWING,
    SERIES,
    THIS,
    ScheduleRequest,
    cancel_session,
    cancel_sessions,
    move_sessions,
    preview_schedule,
    schedule_sessions,
    sessions_in_scope,
)
from .common import require_form_methods


def session_or_404(request, pk, rows=None):
    """A session the user may see (and, given ``editable_by`` rows, change), or 404."""
    rows = rows if rows is not None else Session.objects.all()
    return scoped_or_404(rows.with_related(), request.user, pk=pk)


def _scheduled_note(sessions, plan):
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
        note += " " + _("No holiday data yet for %(years)s: check those dates by hand.") % {
            "years": ", ".join(str(y) for y in sorted(plan.unknown_years))
        }
    return note


@require_form_methods
@role_required(TEACHER)
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
            schedule = ScheduleRequest(
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
                confirm_unknown_years=data.get("confirm_unknown_years", False),
            )
            try:
                preview = None
                if not data.get("confirmed"):
                    preview = preview_schedule(schedule)
                if "edit" in request.POST:
                    # Back from the preview step to change the form, filled in as it was.
                    return render(request, "heritage/session_form.html", {"form": form})
                if preview is not None and preview.needs_confirmation:
                    return render(
                        request,
                        "heritage/session_preview.html",
                        {"form": form, "preview": preview},
                    )
                sessions, plan = schedule_sessions(schedule, user)
            except Refused as refusal:
                refusal.add_to(form)
            else:
                if plan is None:
                    messages.success(request, _("The session is scheduled."))
                    return redirect(sessions[0].get_absolute_url())
                messages.success(request, _scheduled_note(sessions, plan))
                week = timezone.localdate(sessions[0].starts_at).isoformat()
                return redirect(reverse("heritage:my_week") + f"?week={week}")
        status = 400
    return render(request, "heritage/session_form.html", {"form": form}, status=status)


@require_safe
@role_required(TEACHER, CRAFTSMAN)
def session_detail(request, pk):
    session = session_or_404(request, pk)
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


def _series_choices(session, user):
    """What "this and following" and "the whole series" would change, and what they keep."""
    if not session.series_id:
        return None
    return {
        "following": sessions_in_scope(session, FOLLOWING, user),
        "series": sessions_in_scope(session, SERIES, user),
    }


def _changed_note(done, kept, single, several):
    note = single if len(done) == 1 and not kept else several % {"n": len(done)}
    if kept:
        note += " " + _("Kept as they are: %(sessions)s.") % {
            "sessions": "; ".join(
                f"{timezone.localtime(row.starts_at):%Y-%m-%d %H:%M} ({why})" for row, why in kept
            )
        }
    return note


@require_form_methods
@role_required(TEACHER)
def session_move(request, pk):
    session = session_or_404(request, pk, Session.objects.editable_by(request.user))
    form = MoveForm.for_session(session, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            change = sessions_in_scope(session, data.get("scope") or THIS, request.user)
            try:
                if session.is_cancelled:
                    raise Refused(_("A cancelled session cannot be moved."))
                done = move_sessions(
                    change,
                    session,
                    data["day"],
                    data["start_time"],
                    data["end_time"],
                    data["place"],
                    data["reason"],
                    request.user,
                    lesson=data.get("lesson"),
                    scope=data.get("scope") or THIS,
                )
            except Refused as refusal:
                refusal.add_to(form)
            else:
                messages.success(
                    request,
                    _changed_note(
                        done,
                        change.kept,
                        _("The session is moved."),
                        _("%(n)d sessions are changed."),
                    ),
                )
                return redirect(session.get_absolute_url())
        status = 400
    return render(
        request,
        "heritage/session_move.html",
        {"session": session, "form": form, "choices": _series_choices(session, request.user)},
        status=status,
    )


@require_form_methods
@role_required(TEACHER)
def session_cancel(request, pk):
    session = session_or_404(request, pk, Session.objects.editable_by(request.user))
    marks = session.attendance.count()
    form = CancelForm(
        request.POST if request.method == "POST" else None,
        marks=marks,
        series=bool(session.series_id),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            scope = form.cleaned_data.get("scope") or THIS
            change = sessions_in_scope(session, scope, request.user)
            try:
                if scope == THIS:
                    done = [cancel_session(session, form.cleaned_data["reason"], request.user)]
                else:
                    done = cancel_sessions(change, form.cleaned_data["reason"], request.user, scope)
            except Refused as refusal:
                refusal.add_to(form)
            else:
                messages.success(
                    request,
                    _changed_note(
                        done,
                        change.kept,
                        _("The session is cancelled."),
                        _("%(n)d sessions are cancelled."),
                    ),
                )
                return redirect(session.get_absolute_url())
        status = 400
    return render(
        request,
        "heritage/session_cancel.html",
        {
            "session": session,
            "form": form,
            "marks": marks,
            "choices": _series_choices(session, request.user),
        },
        status=status,
    )
