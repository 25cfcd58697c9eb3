"""Taking the roll of a session: every child present by default, then the exceptions.

The page posts a plain form; with JavaScript it sends the same marks as JSON to
``roll_call_save``, which a phone that lost its network can do later, from its own queue.
"""

import json

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from core.access import role_required
from core.refusals import Refused
from core.roles import CRAFTSMAN, TEACHER

from ..models import Attendance
from ..services.reports import overall_rate
from ..services.roll_call import (
    StaleRollCall,
    change_history,
    exceptions,
    marks_version,
    roll_call_children,
    save_roll_call,
)
from .common import require_form_methods
from .sessions import session_or_404


def _posted_marks(post):
    """The marks of a posted roll call ({child id: (status, reason)}) and the keys refused."""
    marks, errors = {}, []
    for key, value in post.items():
        if not key.startswith("status_"):
            continue
        try:
            child_id = int(key.removeprefix("status_"))
        except ValueError:
            errors.append(_("“%(key)s” is not a child of this class.") % {"key": key})
            continue
        marks[child_id] = (value, post.get(f"reason_{child_id}", ""))
    return marks, errors


def _summary_text(groups):
    """“Absent: 王小明 (fever), 李小红. Late: 张小华.”: who the saved roll call misses."""
    parts = []
    for label, names in groups:
        people = pgettext("list separator", ", ").join(
            _("%(name)s (%(reason)s)") % {"name": name, "reason": reason} if reason else name
            for name, reason in names
        )
        # The English sentence carries its own trailing space; Chinese needs none.
        parts.append(_("%(status)s: %(names)s. ") % {"status": label, "names": people})
    return "".join(parts).strip()


def _report_saved(request, children, marks, created, count):
    """The messages after a save: saved, updated or unchanged, then who is missing."""
    unmarked = len(children) - len(marks)
    if created:
        text = _("The roll call is saved.")
    elif count:
        text = _("The roll call is updated.")
    else:
        text = _("Nothing changed: the roll call is as it was.")
    if unmarked > 0:
        text += " " + _("%(n)d children are not marked yet.") % {"n": unmarked}
    messages.success(request, text)
    summary = _summary_text(exceptions(children, marks))
    if summary:
        messages.warning(request, summary)
    return text


@require_form_methods
@role_required(TEACHER, CRAFTSMAN)
def roll_call(request, pk):
    session = session_or_404(request, pk)
    children = roll_call_children(session)
    existing = {a.child_id: a for a in session.attendance.all()}
    errors = []
    status = 200
    posted = {}
    if request.method == "POST":
        posted, errors = _posted_marks(request.POST)
        if not errors:
            try:
                _roll, created, count = save_roll_call(session, request.user, posted)
            except Refused as refusal:
                errors.append(refusal.message)
            else:
                _report_saved(request, children, posted, created, count)
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
    saved = {a.child_id: (a.status, a.reason) for a in existing.values()}
    roll = getattr(session, "roll_call", None)
    rate = overall_rate(Attendance.objects.filter(session=session)) if taken else None
    return render(
        request,
        "heritage/roll_call.html",
        {
            "session": session,
            "rows": rows,
            "statuses": Attendance.Status.choices,
            "errors": errors,
            "taken": taken,
            "roll": roll,
            "history": change_history(roll),
            "consent": {
                "total": len(children),
                "without": [child for child in children if not child.photo_consent],
            },
            "rate": rate,
            "exceptions": exceptions(children, saved) if taken else [],
            "version": marks_version(saved),
            "can_take": not session.is_cancelled
            and timezone.localdate(session.starts_at) <= timezone.localdate(),
        },
        status=status,
    )


def _unreadable():
    return Refused(_("The roll call could not be read: open the roll call page and save again."))


def _json_marks(body):
    """The marks ({child id: (status, reason)}) and version of a roll call sent as JSON."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _unreadable() from None
    if not isinstance(data, dict) or not isinstance(data.get("marks"), dict):
        raise _unreadable()
    version = data.get("version")
    if not isinstance(version, str) or not version:
        raise _unreadable()
    marks = {}
    for key, value in data["marks"].items():
        if not (key.isascii() and key.isdigit() and len(key) <= 9):
            raise Refused(_("“%(key)s” is not a child of this class.") % {"key": key[:20]})
        if not isinstance(value, dict):
            raise _unreadable()
        status, reason = value.get("status"), value.get("reason", "")
        if not isinstance(status, str) or not isinstance(reason, str):
            raise _unreadable()
        marks[int(key)] = (status, reason)
    return marks, version, data.get("queued") is True


def _marks_json(marks):
    return {
        str(child_id): {"status": status, "reason": reason}
        for child_id, (status, reason) in marks.items()
    }


@require_POST
@role_required(TEACHER, CRAFTSMAN)
def roll_call_save(request, pk):
    """Save the marks sent by the page's script, taken on the version it names.

    The same rules as the form. A roll call that changed since that version is not saved over:
    the answer is 409 with the marks saved now and who changed them last, for the person to
    choose. ``queued`` marks were kept on the phone while it was offline: they are saved
    without the messages meant for the page that opens next.
    """
    session = session_or_404(request, pk)
    try:
        marks, version, queued = _json_marks(request.body)
        _roll, created, count = save_roll_call(
            session, request.user, marks, expected_version=version
        )
    except Refused as refusal:
        return JsonResponse({"error": str(refusal.message)}, status=refusal.status)
    except StaleRollCall as stale:
        roll = stale.roll_call
        who = (roll.updated_by or roll.recorded_by) if roll else None
        when = (roll.updated_at or roll.recorded_at) if roll else None
        return JsonResponse(
            {
                "error": _("Someone changed this roll call after you opened it."),
                "version": stale.version,
                "marks": _marks_json(stale.marks),
                "changed_by": (who.get_full_name() or who.get_username()) if who else "",
                "changed_at": timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else "",
            },
            status=409,
        )
    children = roll_call_children(session)
    if queued:
        text = _("The roll call is saved.") if created else _("The roll call is updated.")
    else:
        text = _report_saved(request, children, marks, created, count)
    saved = {a.child_id: (a.status, a.reason) for a in session.attendance.all()}
    return JsonResponse(
        {"saved": True, "created": created, "message": text, "version": marks_version(saved)}
    )
