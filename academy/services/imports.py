"""Pairings from a spreadsheet (CSV or XLSX, Chinese or English headers), all or nothing.

Each row names a mentor and an apprentice (by login, or by a full name only one person of
that role holds), a trade (by name or slug), dates, target hours and level, and optionally a
studio. A row whose mentor, apprentice and trade match an open pairing updates it; any other
row creates a pairing aiming at all of its trade's competencies. Every bad row and column is
named and nothing is saved unless every row is good. Files are read by the site's bounded
reader (``core.spreadsheet_import``).
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry

from core import roles
from core.spreadsheet_import import ImportRefused, Problem, parse_table, read_rows

from ..models import SKILL_LEVELS, Competency, Pairing, StudioPage, Trade

HEADERS = {
    "mentor": ("导师", "mentor"),
    "apprentice": ("徒弟", "apprentice"),
    "trade": ("工种", "trade"),
    "start": ("开始日期", "start"),
    "planned_end": ("计划结束日期", "planned end", "planned_end"),
    "target_hours": ("目标学时", "target hours", "target_hours"),
    "target_level": ("目标等级", "target level", "target_level"),
    "studio": ("工作室", "studio"),
}
REQUIRED = (
    "mentor",
    "apprentice",
    "trade",
    "start",
    "planned_end",
    "target_hours",
    "target_level",
)
UPDATED_FIELDS = ["start", "planned_end", "target_hours", "target_level"]
MAX_HOURS = Decimal("5000")
DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
# 五级 / 初级工 / 5 / 四级/中级工 ... : the level's number, its Chinese numeral, its title.
LEVEL_WORDS = {
    5: ("五级", "初级工", "初级"),
    4: ("四级", "中级工", "中级"),
    3: ("三级", "高级工", "高级"),
    2: ("二级", "技师"),
    1: ("一级", "高级技师"),
}


def template_rows():
    """The header row and one example row of the file to fill in."""
    headers = [aliases[0] for aliases in HEADERS.values()]
    today = timezone.localdate()
    example = [
        "mentor-login",
        "张三",
        "服装制版",
        today.isoformat(),
        today.replace(year=today.year + 1).isoformat(),
        "200",
        "四级",
        "",
    ]
    return headers, [example]


def parse_date(text):
    match = DATE_PATTERN.match(text)
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def parse_level(text):
    text = text.replace(" ", "").replace("（", "(").replace("）", ")")
    digits = text.rstrip("级")
    if digits.isdigit() and int(digits) in LEVEL_WORDS:
        return int(digits)
    parts = {part for part in re.split(r"[/·()]", text) if part}
    for value, words in LEVEL_WORDS.items():
        if parts & set(words):
            return value
    return None


def parse_hours(text):
    try:
        hours = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    if not hours.is_finite() or hours != hours.quantize(Decimal("0.1")):
        return None
    return hours


class People:
    """The people of one role, found by login or by a full name only one of them holds."""

    def __init__(self, role):
        self.by_login, self.by_name = {}, {}
        users = get_user_model().objects.filter(groups__name=role, is_active=True)
        for user in users.only("pk", "username", "first_name", "last_name"):
            self.by_login[user.username.lower()] = user
            names = {user.get_full_name().strip()}
            if user.first_name and user.last_name:  # 王 + 建国 written the Chinese way
                names.add(f"{user.last_name}{user.first_name}")
            for name in names - {""}:
                self.by_name.setdefault(name, []).append(user)

    def find(self, text):
        """(user, None) or (None, why not)."""
        user = self.by_login.get(text.lower())
        if user is not None:
            return user, None
        found = self.by_name.get(text, [])
        if len(found) == 1:
            return found[0], None
        if found:
            logins = "、".join(sorted(user.username for user in found)[:5])
            return None, _(
                "%(count)s people are called “%(name)s”: write the login instead (%(logins)s)."
            ) % {"count": len(found), "name": text, "logins": logins}
        return None, None


class Row:
    """One row as read: its values, and the problems found in it."""

    def __init__(self, number, values, headers):
        self.number, self.values, self.headers = number, values, headers
        self.problems = []

    def refuse(self, key, message):
        self.problems.append(Problem(self.number, self.headers[key], message))

    def text(self, key):
        return self.values.get(key, "")


def import_pairings(upload, user=None):
    """Create or update the pairings of a file. Returns (created, updated) pairings."""
    table = parse_table(read_rows(upload), HEADERS, REQUIRED)
    mentors, apprentices = People(roles.MENTOR), People(roles.APPRENTICE)
    trades = {}
    for trade in Trade.objects.all():
        trades[trade.name] = trades[trade.slug.lower()] = trade
    studios = {}
    for studio in StudioPage.objects.live().only("pk", "title"):
        studios.setdefault(studio.title, []).append(studio)
    open_pairings = {
        (p.mentor_id, p.apprentice_id, p.trade_id): p
        for p in Pairing.objects.open()
        .select_related("mentor", "apprentice", "trade")
        .annotate(first_entry_on=Min("entries__date"))
    }
    # Without a studio column, a re-import leaves the studios as they are.
    fields = UPDATED_FIELDS + (["studio"] if "studio" in table.headers else [])
    known_trades = "、".join(sorted({t.name for t in trades.values()})[:10]) or "—"
    problems, created, updated, seen = [], [], [], {}
    for number, values in table.rows:
        row = Row(number, values, table.headers)
        pairing = _read_row(row, mentors, apprentices, trades, known_trades, studios)
        if pairing is not None:
            key = (pairing.mentor_id, pairing.apprentice_id, pairing.trade_id)
            if key in seen:
                row.refuse(
                    "apprentice",
                    _("The same mentor, apprentice and trade are also on row %(other)s.")
                    % {"other": seen[key]},
                )
            seen.setdefault(key, number)
            existing = open_pairings.get(key)
            if existing is not None:
                first_entry = existing.first_entry_on
                if first_entry and pairing.start > first_entry:
                    row.refuse(
                        "start",
                        _("The pairing has log entries from %(date)s, before this start.")
                        % {"date": first_entry.isoformat()},
                    )
                for name in fields:
                    setattr(existing, name, getattr(pairing, name))
                pairing = existing
        problems.extend(row.problems)
        if not row.problems:
            (updated if pairing.pk else created).append(pairing)
    if problems:
        raise ImportRefused(problems)
    with transaction.atomic():
        _save(created, updated, fields, user)
    return created, updated


def _read_row(row, mentors, apprentices, trades, known_trades, studios):
    """The row as an unsaved pairing, or None (its problems kept on ``row``)."""
    people = {}
    for key, found, missing in (
        ("mentor", mentors, _("No mentor has this login or name.")),
        ("apprentice", apprentices, _("No apprentice has this login or name.")),
    ):
        text = row.text(key)
        if not text:
            row.refuse(key, _("This cell is empty."))
            continue
        person, why = found.find(text)
        if person is None:
            row.refuse(key, why or missing)
        people[key] = person
    if people.get("mentor") and people["mentor"] == people.get("apprentice"):
        row.refuse("apprentice", _("A mentor cannot be paired with themself."))
    trade = trades.get(row.text("trade")) or trades.get(row.text("trade").lower())
    if trade is None:
        row.refuse(
            "trade",
            _("Unknown trade “%(trade)s” (known trades: %(known)s).")
            % {"trade": row.text("trade"), "known": known_trades},
        )
    dates = {}
    for key in ("start", "planned_end"):
        dates[key] = parse_date(row.text(key))
        if dates[key] is None:
            row.refuse(key, _("Not a date: write it as 2025-03-01."))
    if dates["start"] and dates["planned_end"] and dates["planned_end"] < dates["start"]:
        row.refuse("planned_end", _("The planned end cannot be before the start."))
    hours = parse_hours(row.text("target_hours"))
    if hours is None or not Decimal("1") <= hours <= MAX_HOURS:
        row.refuse(
            "target_hours", _("Write the hours as a number from 1 to 5000 (one decimal at most).")
        )
    level = parse_level(row.text("target_level"))
    if level is None:
        row.refuse(
            "target_level",
            _("Write the level as 1 to 5 or its name (%(names)s).")
            % {"names": "、".join(str(label) for label in SKILL_LEVELS.labels)},
        )
    studio = None
    if row.text("studio"):
        found = studios.get(row.text("studio"), [])
        if len(found) != 1:
            row.refuse("studio", _("No published studio has this exact name."))
        else:
            studio = found[0]
    if row.problems:
        return None
    return Pairing(
        mentor=people["mentor"],
        apprentice=people["apprentice"],
        trade=trade,
        start=dates["start"],
        planned_end=dates["planned_end"],
        target_hours=hours,
        target_level=level,
        studio=studio,
    )


def _save(created, updated, fields, user):
    created[:] = Pairing.objects.bulk_create(created)
    Pairing.objects.bulk_update(updated, fields)
    framework = {}
    for competency_id, trade_id in Competency.objects.filter(
        trade__in={p.trade_id for p in created}
    ).values_list("pk", "trade_id"):
        framework.setdefault(trade_id, []).append(competency_id)
    Through = Pairing.competencies.through
    Through.objects.bulk_create(
        Through(pairing_id=pairing.pk, competency_id=competency_id)
        for pairing in created
        for competency_id in framework.get(pairing.trade_id, [])
    )
    content_type = ContentType.objects.get_for_model(Pairing)
    now = timezone.now()
    ModelLogEntry.objects.bulk_create(
        ModelLogEntry(
            content_type=content_type,
            object_id=str(pairing.pk),
            label=str(pairing),
            action=action,
            user=user,
            timestamp=now,
            data={"source": "import"},
            content_changed=True,
        )
        for action, pairings in (("wagtail.create", created), ("wagtail.edit", updated))
        for pairing in pairings
    )
