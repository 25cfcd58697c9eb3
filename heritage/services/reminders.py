"""What the reminders say, and where they go besides email: WeCom group robots (群机器人).

Most craftsmen, and some teachers, have no email address. A kindergarten's teacher group and
the craftsmen's group each have a robot whose webhook managers set (``Kindergarten
.robot_webhook``, ``HeritageSettings.craftsmen_robot_webhook``). Each robot message is an outbox
row of its own (``heritage.tasks.send_kindergarten_robot`` and ``send_craftsmen_robot``), so a
robot that fails is tried again alone, and neither the emails nor the other robots wait for it.
The row keeps the message, not the webhook: a manager who corrects a wrong address fixes the
next try, and the key never lands in the outbox's table.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox
from core.wecom import ROBOT_CONTENT_BYTES

# Signs that WeCom's markdown would read as formatting, in names that managers typed.
MARKDOWN_SIGNS = str.maketrans({"[": "【", "]": "】", "*": "＊", "`": "'", "<": "＜", ">": "＞"})


def absolute(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def session_url(session):
    return absolute(reverse("heritage:session", args=[session.pk]))


def roll_call_url(session):
    return absolute(reverse("heritage:roll_call", args=[session.pk]))


def person_name(user):
    return user.get_full_name() or user.get_username()


def _md(text):
    return str(text).replace("\n", " ").translate(MARKDOWN_SIGNS)


def _time(session):
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    return f"{start:%H:%M}–{end:%H:%M}"


def _links(session):
    return _("[Session](%(session)s) · [Roll call](%(roll_call)s)") % {
        "session": session_url(session),
        "roll_call": roll_call_url(session),
    }


def split_messages(header, blocks, limit=ROBOT_CONTENT_BYTES):
    """The header and as many blocks as fit in ``limit`` bytes, then the rest in more messages
    that repeat the header: WeCom refuses a longer message, and a cut would lose links."""
    messages, current = [], header
    for block in blocks:
        candidate = f"{current}\n\n{block}"
        if current != header and len(candidate.encode()) > limit:
            messages.append(current)
            candidate = f"{header}\n\n{block}"
        current = candidate
    if current != header:
        messages.append(current)
    return messages


def _day_label(day):
    return _("%(month)d/%(day)d") % {"month": day.month, "day": day.day}


def kindergarten_messages(kindergarten, sessions, day):
    """Markdown for a kindergarten's teacher group: its classes of ``day``, each with links."""
    header = _("**%(kindergarten)s: heritage classes tomorrow (%(day)s)**") % {
        "kindergarten": _md(kindergarten.name),
        "day": _day_label(day),
    }
    blocks = []
    for s in sessions:
        blocks.append(
            "\n".join(
                [
                    f"> **{_time(s)}** {_md(s.class_group.name)} · {_md(s.lesson.title)}",
                    "> "
                    + _("Craftsman: %(craftsman)s · Place: %(place)s")
                    % {"craftsman": _md(person_name(s.craftsman)), "place": _md(s.place)},
                    "> " + _links(s),
                ]
            )
        )
    return split_messages(header, blocks)


def craftsmen_messages(sessions, day):
    """Markdown for the craftsmen's group: each craftsman's classes of ``day``, with links."""
    header = _("**Heritage classes tomorrow (%(day)s)**") % {"day": _day_label(day)}
    by_craftsman = {}
    for s in sessions:
        by_craftsman.setdefault(s.craftsman, []).append(s)
    blocks = []
    for craftsman, items in by_craftsman.items():
        lines = [f"**{_md(person_name(craftsman))}**"]
        for s in items:
            lines += [
                f"> **{_time(s)}** {_md(s.class_group.kindergarten.name)} "
                f"{_md(s.class_group.name)} · {_md(s.lesson.title)}",
                "> " + _("Place: %(place)s") % {"place": _md(s.place)} + " · " + _links(s),
            ]
        blocks.append("\n".join(lines))
    return split_messages(header, blocks)


def enqueue_robot_reminders(sessions, day):
    """One outbox row per robot message about ``sessions`` (the classes of ``day``); how many.

    Call inside a transaction: the rows are sent once it commits."""
    from ..models import HeritageSettings
    from ..tasks import send_craftsmen_robot, send_kindergarten_robot

    rows = 0
    by_kindergarten = {}
    for s in sessions:
        by_kindergarten.setdefault(s.class_group.kindergarten, []).append(s)
    for kindergarten, items in by_kindergarten.items():
        if not kindergarten.robot_webhook:
            continue
        for content in kindergarten_messages(kindergarten, items, day):
            outbox.enqueue(send_kindergarten_robot, kindergarten.pk, content)
            rows += 1
    robot = HeritageSettings.for_default_site()
    if sessions and robot is not None and robot.craftsmen_robot_webhook:
        for content in craftsmen_messages(sessions, day):
            outbox.enqueue(send_craftsmen_robot, content)
            rows += 1
    return rows
