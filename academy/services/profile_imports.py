"""Model workers' and folk craftsmen's profiles from a spreadsheet, all or nothing.

Each row is a profile page under the profile index: 姓名 (its title), 类别 (model worker or folk
craftsman), and optionally 单位, 工种 (a trade by name or slug), 账号 (the person's login),
荣誉 (honours: "2019 省级 浙江省劳动模范", several separated by ；) and 简介 (the story, one
paragraph a line). A row finds its profile by login, else by name and kind; it updates that
page, the others create one. The changes go into each page's revisions: published when the
manager asks for it, else kept as drafts to review (photos are added in the admin). Every bad
row and column is named and nothing is saved unless every row is good.
"""

import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.html import escape
from django.utils.translation import gettext as _

from core.slugs import unique_slug
from core.spreadsheet_import import ImportRefused, Problem, parse_table, read_rows

from ..models import Honour, ProfileIndexPage, ProfilePage, Trade
from ..models.studios import Level

HEADERS = {
    "name": ("姓名", "name"),
    "kind": ("类别", "kind"),
    "employer": ("单位", "employer"),
    "trade": ("工种", "trade"),
    "username": ("账号", "login", "username"),
    "honours": ("荣誉", "honours"),
    "story": ("简介", "story"),
}
REQUIRED = ("name", "kind")
KIND_WORDS = {
    ProfilePage.Kind.MODEL_WORKER: ("劳模", "劳动模范", "model worker", "model_worker"),
    ProfilePage.Kind.FOLK_CRAFTSMAN: (
        "工匠",
        "民间工匠",
        "民间艺人",
        "folk craftsman",
        "folk_craftsman",
    ),
}
LEVEL_WORDS = {
    Level.NATIONAL: ("国家级", "全国", "national"),
    Level.PROVINCIAL: ("省级", "省", "provincial"),
    Level.MUNICIPAL: ("市级", "市", "municipal"),
    Level.DISTRICT: ("区级", "区县级", "区", "district"),
}
HONOUR = re.compile(r"^(\d{4})\s*年?\s+(\S+)\s+(.+)$")
HONOUR_SEPARATORS = re.compile(r"\s*[；;\n]\s*")


def template_rows():
    headers = [aliases[0] for aliases in HEADERS.values()]
    example = [
        "王建国",
        "劳模",
        "奉化区某服装有限公司",
        "服装制版",
        "",
        "2019 省级 浙江省劳动模范；2016 区级 奉化区技术能手",
        "从事服装制版三十年。",
    ]
    return headers, [example]


def _word(text, words):
    text = text.strip().lower()
    for value, aliases in words.items():
        if text in aliases or text == str(value.label).lower():
            return value
    return None


def parse_honours(text):
    """[(year, level, title)], or None if a part cannot be read."""
    honours = []
    for part in HONOUR_SEPARATORS.split(text.strip()):
        if not part:
            continue
        match = HONOUR.match(part)
        level = _word(match.group(2), LEVEL_WORDS) if match else None
        if level is None or not 1900 <= int(match.group(1)) <= 2100:
            return None
        honours.append((int(match.group(1)), level, match.group(3)[:200]))
    return honours


def import_profiles(upload, user=None, publish=False):
    """Create or update the profiles of a file. Returns (created, updated) pages."""
    index = ProfileIndexPage.objects.first()
    if index is None:
        raise ImportRefused(
            [
                Problem(
                    None,
                    _("File"),
                    _("Add the profile index page under the academy's page in the admin first."),
                )
            ]
        )
    table = parse_table(read_rows(upload), HEADERS, REQUIRED)
    h = table.headers
    trades = {}
    for trade in Trade.objects.all():
        trades[trade.name] = trades[trade.slug.lower()] = trade
    known_trades = "、".join(sorted({t.name for t in trades.values()})[:10]) or "—"
    people = {u.username: u for u in get_user_model().objects.filter(is_active=True)}
    profiles = list(ProfilePage.objects.child_of(index).specific())
    by_person = {p.person_id: p for p in profiles if p.person_id}
    by_name = {}
    for profile in profiles:
        by_name.setdefault((profile.title, profile.kind), []).append(profile)
    problems, rows, seen = [], [], {}
    for number, values in table.rows:
        row_problems = []

        def refuse(key, message, number=number, row_problems=row_problems):
            row_problems.append(Problem(number, h[key], message))

        name, kind = values["name"], _word(values["kind"], KIND_WORDS)
        if not name:
            refuse("name", _("This cell is empty."))
        elif len(name) > 255:
            refuse("name", _("Too long (at most %(n)s characters).") % {"n": 255})
        if kind is None:
            refuse("kind", _("Write 劳模 (model worker) or 工匠 (folk craftsman)."))
        employer = values.get("employer", "")
        if len(employer) > 200:
            refuse("employer", _("Too long (at most %(n)s characters).") % {"n": 200})
        trade = None
        if values.get("trade"):
            trade = trades.get(values["trade"]) or trades.get(values["trade"].lower())
            if trade is None:
                refuse(
                    "trade",
                    _("Unknown trade “%(trade)s” (known trades: %(known)s).")
                    % {"trade": values["trade"], "known": known_trades},
                )
        person = None
        if values.get("username"):
            person = people.get(values["username"])
            if person is None:
                refuse("username", _("No active account has this login."))
        honours = None
        if values.get("honours"):
            honours = parse_honours(values["honours"])
            if honours is None:
                refuse(
                    "honours",
                    _("Write each honour as “2019 省级 浙江省劳动模范”, separated by ；."),
                )
        key = ("person", person.pk) if person else ("name", name, kind)
        if key in seen:
            refuse("name", _("The same profile is also on row %(other)s.") % {"other": seen[key]})
        seen.setdefault(key, number)
        page = by_person.get(person.pk) if person else None
        if page is None:
            found = by_name.get((name, kind), [])
            if len(found) > 1:
                refuse(
                    "name",
                    _(
                        "%(count)s profiles have this name: add the person's login to tell "
                        "them apart."
                    )
                    % {"count": len(found)},
                )
            page = found[0] if len(found) == 1 else None
        problems.extend(row_problems)
        rows.append((page, name, kind, employer, trade, person, honours, values.get("story", "")))
    if problems:
        raise ImportRefused(problems)
    created, updated = [], []
    with transaction.atomic():
        taken = set(ProfilePage.objects.child_of(index).values_list("slug", flat=True))
        for page, name, kind, employer, trade, person, honours, story in rows:
            is_new = page is None
            if is_new:
                slug = unique_slug(name, taken, fallback="profile")
                taken.add(slug)
                page = ProfilePage(title=name, slug=slug, kind=kind, live=False)
                index.add_child(instance=page)
                draft = page
            else:
                draft = page.get_latest_revision_as_object()
            draft.title, draft.kind = name, kind
            if employer:
                draft.employer = employer
            if trade is not None:
                draft.trade = trade
            if person is not None:
                draft.person = person
            if story:
                draft.story = "".join(
                    f"<p>{escape(line.strip())}</p>" for line in story.splitlines() if line.strip()
                )
            if honours is not None:
                draft.honours = [
                    Honour(title=title, level=level, year=year) for year, level, title in honours
                ]
            revision = draft.save_revision(user=user, log_action=True, clean=False)
            if publish:
                revision.publish(user=user)
            (created if is_new else updated).append(page)
    return created, updated
