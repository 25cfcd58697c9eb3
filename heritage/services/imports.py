"""Kindergartens, their class groups and children from one spreadsheet, all or nothing.

Each row names a kindergarten and a class group, and optionally a child of that class. A
kindergarten is found by its name, a class group by its kindergarten and name, a child by its
class group and name: rows that find one update it, the others create one. A second run of the
same file changes nothing and duplicates nothing. Children missing from the file are left as
they are (their stay ends with an "active until" date, never by deletion). Every bad row and
column is named and nothing is saved unless every row is good. Files are read by the site's
bounded reader (``core.spreadsheet_import``).
"""

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from core.spreadsheet_import import (
    ImportRefused,
    Problem,
    date_cell,
    parse_table,
    read_rows,
    yes_no_cell,
)

from ..models import AgeBand, Child, ClassGroup, Kindergarten

HEADERS = {
    "kindergarten": ("幼儿园", "kindergarten"),
    "short_name": ("简称", "short name", "short_name"),
    "address": ("地址", "address"),
    "class_group": ("班级", "class group", "class_group", "class"),
    "age_band": ("年龄段", "age band", "age_band"),
    "room": ("教室", "classroom", "room"),
    "child": ("幼儿姓名", "child", "child name", "幼儿"),
    "photo_consent": ("照片同意", "photo consent", "photo_consent"),
    "active_from": ("入园日期", "active from", "active_from"),
    "active_until": ("离园日期", "active until", "active_until"),
}
REQUIRED = ("kindergarten", "class_group")
LIMITS = {
    "kindergarten": 100,
    "short_name": 20,
    "address": 200,
    "class_group": 40,
    "room": 60,
    "child": 40,
}
# 小班 / small / Small class (3–4), and a class named 大一班 is a large class.
AGE_WORDS = {
    AgeBand.SMALL: ("小班", "小", "small"),
    AgeBand.MIDDLE: ("中班", "中", "middle"),
    AgeBand.LARGE: ("大班", "大", "large"),
}


def template_rows():
    """The header row and one example row of the file to fill in."""
    headers = [aliases[0] for aliases in HEADERS.values()]
    example = ["桃源幼儿园", "桃源幼", "奉化区桃源路1号", "大一班", "大班", "二楼美工室"]
    example += ["王小明", "是", "2025-09-01", ""]
    return headers, [example]


def parse_age_band(text, class_name):
    text = text.strip().lower()
    for band, words in AGE_WORDS.items():
        if text in words or text == str(band.label).lower():
            return band
    if not text:
        for band, words in AGE_WORDS.items():
            if class_name.startswith(words[1]):
                return band
    return None


class Row:
    def __init__(self, number, values, headers):
        self.number, self.values, self.headers = number, values, headers
        self.problems = []

    def refuse(self, key, message):
        self.problems.append(Problem(self.number, self.headers[key], message))

    def text(self, key):
        return self.values.get(key, "")


class Result:
    """What an import created and changed, by kind."""

    def __init__(self):
        self.created = {"kindergartens": 0, "class_groups": 0, "children": 0}
        self.updated = {"kindergartens": 0, "class_groups": 0, "children": 0}


def import_kindergartens(upload, user=None):
    """Create or update the kindergartens, class groups and children of a file."""
    table = parse_table(read_rows(upload), HEADERS, REQUIRED)
    kindergartens = {k.name: k for k in Kindergarten.objects.all()}
    class_groups = {(c.kindergarten_id, c.name): c for c in ClassGroup.objects.all()}
    children = {}
    for child in Child.objects.all():
        children.setdefault((child.class_group_id, child.display_name), []).append(child)
    problems, rows = [], []
    seen_children, short_names = {}, {}
    for number, values in table.rows:
        row = Row(number, values, table.headers)
        _check_row(row)
        name, class_name, child_name = row.text("kindergarten"), row.text("class_group"), ""
        child_name = row.text("child")
        if name and class_name:
            existing_kg = kindergartens.get(name)
            existing_class = class_groups.get((existing_kg.pk, class_name)) if existing_kg else None
            band_text = row.text("age_band")
            row.age_band = parse_age_band(band_text, class_name)
            if row.age_band is None and (band_text or existing_class is None):
                row.refuse(
                    "age_band",
                    _("Write the age band as 小班, 中班 or 大班 (small, middle, large)."),
                )
            short = row.text("short_name")
            if short:
                other = short_names.setdefault(name, (short, number))
                if other[0] != short:
                    row.refuse(
                        "short_name",
                        _("Row %(other)s gives this kindergarten another short name.")
                        % {"other": other[1]},
                    )
            if child_name:
                key = (name, class_name, child_name)
                if key in seen_children:
                    row.refuse(
                        "child",
                        _("The same child of this class is also on row %(other)s.")
                        % {"other": seen_children[key]},
                    )
                seen_children.setdefault(key, number)
                if existing_class is not None:
                    found = children.get((existing_class.pk, child_name), [])
                    if len(found) > 1:
                        row.refuse(
                            "child",
                            _(
                                "%(count)s children of this class have this name: "
                                "tell them apart in the admin first."
                            )
                            % {"count": len(found)},
                        )
        problems.extend(row.problems)
        rows.append(row)
    if problems:
        raise ImportRefused(problems)
    with transaction.atomic():
        return _save(rows, kindergartens, class_groups, children, user)


def _check_row(row):
    for key in ("kindergarten", "class_group"):
        if not row.text(key):
            row.refuse(key, _("This cell is empty."))
    for key, limit in LIMITS.items():
        if len(row.text(key)) > limit:
            row.refuse(key, _("Too long (at most %(n)s characters).") % {"n": limit})
    row.photo_consent = None
    if row.text("photo_consent"):
        row.photo_consent = yes_no_cell(row.text("photo_consent"))
        if row.photo_consent is None:
            row.refuse("photo_consent", _("Write 是 or 否 (yes or no)."))
    row.dates = {}
    for key in ("active_from", "active_until"):
        if row.text(key):
            row.dates[key] = date_cell(row.text(key))
            if row.dates[key] is None:
                row.refuse(key, _("Not a date: write it as 2025-03-01."))
    start, end = row.dates.get("active_from"), row.dates.get("active_until")
    if start and end and end < start:
        row.refuse("active_until", _("The end cannot be before the start."))
    if not row.text("child"):
        for key in ("photo_consent", "active_from", "active_until"):
            if row.text(key):
                row.refuse("child", _("This row gives a child's details but no child's name."))
                break


def _changed(instance, fields):
    """Set ``fields`` (name → value, None meaning "leave it"); True if any value changed."""
    changed = False
    for name, value in fields.items():
        if value is not None and getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _save(rows, kindergartens, class_groups, children, user):
    result = Result()
    touched = set()  # rows already counted as updated once in this file

    def keep(kind, instance, created, changed):
        if created:
            instance.save()
            result.created[kind] += 1
            log(instance, "wagtail.create", user=user, data={"source": "import"})
            touched.add((kind, instance.pk))
        elif changed:
            instance.save()
            if (kind, instance.pk) not in touched:
                result.updated[kind] += 1
                touched.add((kind, instance.pk))
                log(instance, "wagtail.edit", user=user, data={"source": "import"})

    for row in rows:
        name = row.text("kindergarten")
        kindergarten = kindergartens.get(name)
        created = kindergarten is None
        if created:
            kindergarten = kindergartens[name] = Kindergarten(name=name, short_name=name[:20])
        changed = _changed(
            kindergarten,
            {
                "short_name": row.text("short_name") or None,
                "address": row.text("address") or None,
            },
        )
        keep("kindergartens", kindergarten, created, changed)

        class_name = row.text("class_group")
        class_group = class_groups.get((kindergarten.pk, class_name))
        created = class_group is None
        if created:
            class_group = class_groups[(kindergarten.pk, class_name)] = ClassGroup(
                kindergarten=kindergarten, name=class_name
            )
        changed = _changed(
            class_group, {"age_band": row.age_band, "room": row.text("room") or None}
        )
        keep("class_groups", class_group, created, changed)

        child_name = row.text("child")
        if not child_name:
            continue
        found = children.get((class_group.pk, child_name), [])
        child = found[0] if found else None
        created = child is None
        if created:
            child = Child(class_group=class_group, display_name=child_name)
            children[(class_group.pk, child_name)] = [child]
        changed = _changed(
            child,
            {
                "photo_consent": row.photo_consent,
                "active_from": row.dates.get("active_from"),
                "active_until": row.dates.get("active_until"),
            },
        )
        keep("children", child, created, changed)
    return result
