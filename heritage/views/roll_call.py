"""Taking the roll of a session: every child present by default, then the exceptions."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.access import role_required
from core.refusals import Refused
from core.roles import CRAFTSMAN, TEACHER

from ..models import Attendance
from ..services.reports import overall_rate
from ..services.roll_call import (
    change_history,
    exceptions,
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
                unmarked = len(children) - len(posted)
                if created:
                    text = _("The roll call is saved.")
                elif count:
                    text = _("The roll call is updated.")
                else:
                    text = _("Nothing changed: the roll call is as it was.")
                if unmarked > 0:
                    text += " " + _("%(n)d children are not marked yet.") % {"n": unmarked}
                messages.success(request, text)
                summary = _summary_text(exceptions(children, posted))
                if summary:
                    messages.warning(request, summary)
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
            "can_take": not session.is_cancelled
            and timezone.localdate(session.starts_at) <= timezone.localdate(),
        },
        status=status,
    )
