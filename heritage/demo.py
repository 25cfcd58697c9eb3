"""Demo data of the heritage programme: 11 crafts × 11 kindergartens over four seasons.

Dates are relative to the day the seed runs, so "this week" always has sessions. Children,
teachers and craftsmen are invented. ``ctx.scale`` multiplies the class groups (and so the
children, sessions and roll calls) of every kindergarten.
"""

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from core.demo import invented_name, person
from core.holidays import calendar_between
from core.roles import CRAFTSMAN, TEACHER

from .models import (
    AgeBand,
    Attendance,
    Child,
    ClassGroup,
    CraftPage,
    Kindergarten,
    LessonPage,
    PlanEntry,
    RollCall,
    Season,
    Session,
)
from .services.review import ensure_lesson_workflow
from .services.rotation import generate_rotation, split_range

C = CraftPage.Category
L = CraftPage.Level
# title, short name, category, level, summary, materials of the small/middle/large lessons
CRAFTS = [
    ("蓝印扎染", "扎染", C.CRAFTSMANSHIP, L.MUNICIPAL, "用线扎、用夹夹，白布入缸变出蓝白花纹。"),
    ("奉化布龙", "布龙", C.TRADITIONAL_DANCE, L.NATIONAL, "竹圈为骨、彩布为身，孩子们舞起小布龙。"),
    ("竹编", "竹编", C.CRAFTSMANSHIP, L.PROVINCIAL, "一根根竹篾经纬交错，编出篮子与小鱼。"),
    ("朱金木雕", "木雕", C.FINE_ARTS, L.NATIONAL, "认识刻刀与木纹，在软木上刻出吉祥图案。"),
    ("剪纸", "剪纸", C.FINE_ARTS, L.MUNICIPAL, "对折、再对折，一把剪刀剪出窗花。"),
    ("泥塑", "泥塑", C.FINE_ARTS, L.DISTRICT, "搓、捏、压、接，把泥团变成小动物。"),
    ("草编", "草编", C.CRAFTSMANSHIP, L.DISTRICT, "用晒干的蔺草编出小蚱蜢和草帽。"),
    ("面塑", "面塑", C.FINE_ARTS, L.MUNICIPAL, "彩色面团捏成戏曲人物与小花。"),
    ("灰雕", "灰雕", C.FINE_ARTS, L.DISTRICT, "认识屋脊上的灰塑，用石膏灰做浮雕。"),
    ("糖画", "糖画", C.CRAFTSMANSHIP, L.DISTRICT, "看匠人以勺为笔、以糖为墨画出生肖。"),
    ("布贴画", "布贴", C.FINE_ARTS, L.MUNICIPAL, "碎布头剪一剪、贴一贴，拼出家乡风景。"),
]
KINDERGARTENS = [
    ("锦屏桃源幼儿园", "桃源幼"),
    ("岳林明珠幼儿园", "明珠幼"),
    ("西坞梧桐幼儿园", "梧桐幼"),
    ("江口蒲公英幼儿园", "蒲公英"),
    ("萧王庙樱桃幼儿园", "樱桃幼"),
    ("溪口剡溪幼儿园", "剡溪幼"),
    ("莼湖海韵幼儿园", "海韵幼"),
    ("裘村山茶幼儿园", "山茶幼"),
    ("大堰竹林幼儿园", "竹林幼"),
    ("松岙渔港幼儿园", "渔港幼"),
    ("尚田草莓幼儿园", "草莓幼"),
]
SEASON_NAMES = ["启蒙季", "探索季", "创造季", "稚子牛"]
ROUNDS = [3, 3, 3, 2]
BANDS = [(AgeBand.LARGE, "大"), (AgeBand.MIDDLE, "中"), (AgeBand.SMALL, "小")]
NUMERALS = "一二三四五六七八九十"
LESSONS = [
    (
        AgeBand.SMALL,
        "{s}初体验",
        30,
        ["认识{t}", "动手试一试"],
        "小围裙\n湿毛巾\n{s}材料包（小班）",
    ),
    (
        AgeBand.MIDDLE,
        "{s}小作品",
        40,
        ["了解{t}的来历", "完成一件小作品"],
        "{s}材料包\n作品托盘\n围裙",
    ),
    (
        AgeBand.LARGE,
        "{s}创意坊",
        45,
        ["说出{t}的三个步骤", "与同伴合作完成创意作品"],
        "{s}材料包（大班）\n设计草图纸\n蜡笔\n围裙",
    ),
]
SLOT_TIMES = [(9, 0), (10, 0), (14, 30), (15, 30)]
SESSION_MINUTES = 40


def season_ranges(today):
    """Four seasons of seven months ending with the season that holds today (2024–2026 when
    the seed runs before 2027)."""
    end_year = max(today.year, 2026)
    end = datetime.date(end_year, 12, 31)
    if today.year > 2026 and today.month <= 6:
        end = datetime.date(today.year, 6, 30)
    start_month = end.month + 1 - 28  # 28 months in all
    year, month = end.year + (start_month - 1) // 12, (start_month - 1) % 12 + 1
    start = datetime.date(year, month, 1)
    return split_range(start, end, 4)


def _class_name(prefix, index):
    return f"{prefix}{NUMERALS[index] if index < len(NUMERALS) else index + 1}班"


def seed(ctx):
    if Kindergarten.objects.exists():
        ctx.log("Heritage programme: already seeded")
        return
    rng = ctx.rng
    today = timezone.localdate()
    now = timezone.now()
    programme = ctx.sections["heritage.ProgrammePage"]
    ensure_lesson_workflow()  # craftsmen's lesson drafts go to the managers
    User = get_user_model()

    # People: 11 craftsmen (demo-craftsman teaches the first craft) and a teacher per class.
    craftsmen = []
    for index in range(len(CRAFTS)):
        login = ctx.login("demo-craftsman") if index == 0 else None
        craftsmen.append(
            login or person(f"heritage-craftsman-{index + 1}", invented_name(rng), CRAFTSMAN)
        )

    kindergartens = Kindergarten.objects.bulk_create(
        [
            Kindergarten(name=name, short_name=short, address=f"宁波市奉化区{name[:2]}")
            for name, short in KINDERGARTENS
        ]
    )
    per_band = ctx.scale  # class groups per age band in each kindergarten
    teacher_rows = []
    for k_index in range(len(kindergartens)):
        for c_index in range(3 * per_band):
            teacher_rows.append(
                User(
                    username=f"heritage-teacher-{k_index + 1}-{c_index + 1}",
                    first_name=invented_name(rng),
                    email=f"heritage-teacher-{k_index + 1}-{c_index + 1}@example.com",
                    password=make_password(None),  # unusable: an invented person cannot log in
                )
            )
    User.objects.bulk_create(teacher_rows, ignore_conflicts=True)
    teachers = {
        u.username: u
        for u in User.objects.filter(username__startswith="heritage-teacher-").order_by("pk")
    }
    group = Group.objects.get(name=TEACHER)
    group.user_set.add(*teachers.values())
    logins = {0: ctx.login("demo-teacher"), 1: ctx.login("demo-teacher2")}

    class_groups = []
    for k_index, kindergarten in enumerate(kindergartens):
        c_index = 0
        for band, prefix in BANDS:
            for n in range(per_band):
                name = _class_name(prefix, n)
                teacher = teachers[f"heritage-teacher-{k_index + 1}-{c_index + 1}"]
                if c_index == 0 and logins.get(k_index):
                    teacher = logins[k_index]
                class_groups.append(
                    ClassGroup(
                        kindergarten=kindergarten,
                        name=name,
                        age_band=band,
                        teacher=teacher,
                        room=f"{name}教室",
                    )
                )
                c_index += 1
    ClassGroup.objects.bulk_create(class_groups)
    through = Kindergarten.teachers.through
    through.objects.bulk_create(
        list(
            {
                (cg.kindergarten_id, cg.teacher_id): through(
                    kindergarten_id=cg.kindergarten_id, user_id=cg.teacher_id
                )
                for cg in class_groups
            }.values()
        )
    )

    ranges = season_ranges(today)
    seasons = Season.objects.bulk_create(
        [
            Season(
                number=i + 1,
                name=f"第{NUMERALS[i]}季 · {SEASON_NAMES[i]}",
                starts_on=first,
                ends_on=last,
                rounds=ROUNDS[i],
            )
            for i, (first, last) in enumerate(ranges)
        ]
    )
    children = []
    for cg in class_groups:
        for _n in range(rng.randint(20, 30)):
            children.append(
                Child(
                    class_group=cg,
                    display_name=invented_name(rng),
                    photo_consent=rng.random() < 0.8,
                    active_from=ranges[0][0],
                )
            )
    Child.objects.bulk_create(children, batch_size=2000)
    children_by_class = {}
    for child in children:
        children_by_class.setdefault(child.class_group_id, []).append(child.pk)

    # Crafts, their lessons and craft bases.
    crafts, lessons = [], {}
    for index, (title, short, category, level, summary) in enumerate(CRAFTS):
        base_kg = kindergartens[index % len(kindergartens)]
        craft = programme.add_child(
            instance=CraftPage(
                title=title,
                slug=f"craft-{index + 1}",
                short_name=short,
                category=category,
                level=level,
                summary=summary,
                story=f"<p>{summary}{title}是奉化人代代相传的手艺，匠人走进幼儿园，"
                "让孩子们在玩中认识非遗、爱上劳动。</p>",
                craftsman=craftsmen[index],
                base_name=f"{short}匠心基地",
                base_kindergarten=base_kg,
            )
        )
        crafts.append(craft)
        for band, pattern, minutes, goals, materials in LESSONS:
            lesson = LessonPage(
                title=pattern.format(s=short, t=title),
                slug=f"lesson-{band}",
                age_band=band,
                duration_minutes=minutes,
                goals="<ul>" + "".join(f"<li>{g.format(t=title)}</li>" for g in goals) + "</ul>",
                materials=materials.format(s=short),
                safety_notes="工具由老师分发、统一收回；剪刀、刻刀等只在老师看护下使用。",
                steps=[
                    (
                        "step",
                        {
                            "title": "看一看",
                            "text": f"<p>匠人展示{title}作品，孩子们说说看到了什么。</p>",
                            "tip": "",
                        },
                    ),
                    (
                        "step",
                        {
                            "title": "学一学",
                            "text": "<p>匠人示范关键步骤，孩子们跟着做手势。</p>",
                            "tip": "放慢速度，分步示范。",
                        },
                    ),
                    (
                        "step",
                        {
                            "title": "做一做",
                            "text": "<p>孩子们动手完成自己的作品。</p>",
                            "tip": "提醒孩子爱护材料。",
                        },
                    ),
                    (
                        "step",
                        {"title": "说一说", "text": "<p>展示作品，说说劳动的快乐。</p>", "tip": ""},
                    ),
                ],
            )
            lesson.tags.add(
                short, "非遗", {"small": "小班", "middle": "中班", "large": "大班"}[band]
            )
            lessons[(craft.pk, band)] = craft.add_child(instance=lesson)

    # The plan: a rotation in which every kindergarten meets every craft.
    plan = generate_rotation(seasons, kindergartens, crafts)

    # Sessions: past rounds every fifth week, the current season weekly.
    current = next((s for s in seasons if s.starts_on <= today <= s.ends_on), seasons[-1])
    classes_by_kg = {}
    for cg in class_groups:
        classes_by_kg.setdefault(cg.kindergarten_id, []).append(cg)
    sessions = []
    calendar = calendar_between(min(s.starts_on for s in seasons), max(s.ends_on for s in seasons))
    for entry in plan:
        weekly = entry.season_id == current.pk
        step = 1 if weekly else 5
        count = 0
        k_index = kindergartens.index(entry.kindergarten)
        for c_index, cg in enumerate(classes_by_kg[entry.kindergarten_id]):
            slot = c_index % 20
            weekday = (k_index + slot // 4) % 5
            hour, minute = SLOT_TIMES[slot % 4]
            parity = (c_index // 20) % 2
            first = entry.starts_on + datetime.timedelta(
                days=(weekday - entry.starts_on.weekday()) % 7 + 7 * parity
            )
            day = first
            while day <= entry.ends_on:
                if calendar.is_class_day(day):
                    start = timezone.make_aware(
                        datetime.datetime.combine(day, datetime.time(hour, minute))
                    )
                    sessions.append(
                        Session(
                            uid=uuid.UUID(int=rng.getrandbits(128)),
                            lesson=lessons[(entry.craft.pk, cg.age_band)],
                            craft=entry.craft,
                            class_group=cg,
                            craftsman=craftsmen[crafts.index(entry.craft)],
                            teacher=cg.teacher,
                            starts_at=start,
                            ends_at=start + datetime.timedelta(minutes=SESSION_MINUTES),
                            place=cg.room,
                            season=entry.season,
                        )
                    )
                    count += 1
                day += datetime.timedelta(weeks=step)
        entry.planned_sessions = count
    PlanEntry.objects.bulk_create(plan)
    for session in sessions:
        if session.ends_at < now and rng.random() < 0.03:
            session.status = Session.Status.CANCELLED
            session.change_reason = rng.choice(["天气原因停课", "幼儿园活动调整", "匠人外出参展"])
    Session.objects.bulk_create(sessions, batch_size=2000)

    # Roll calls of past sessions (a few are left missing for the Monday report).
    past = [s for s in sessions if s.ends_at < now and not s.is_cancelled]
    taken = [
        s
        for s in past
        if rng.random() < 0.97 or s.starts_at.date() < today - datetime.timedelta(days=14)
    ]
    roll_calls = [RollCall(session=s, recorded_by=s.teacher, recorded_at=s.ends_at) for s in taken]
    RollCall.objects.bulk_create(roll_calls, batch_size=2000)
    statuses = ["present"] * 85 + ["late"] * 5 + ["excused"] * 5 + ["absent"] * 5
    marks = []
    for s in taken:
        for child_id in children_by_class[s.class_group_id]:
            status = rng.choice(statuses)
            reason = "感冒请假" if status == "excused" else ""
            marks.append(Attendance(session=s, child_id=child_id, status=status, reason=reason))
        if len(marks) > 20000:
            Attendance.objects.bulk_create(marks, batch_size=5000)
            marks = []
    Attendance.objects.bulk_create(marks, batch_size=5000)
    ctx.log(
        f"Heritage programme: {len(crafts)} crafts, {len(kindergartens)} kindergartens, "
        f"{len(class_groups)} class groups, {len(children)} children, {len(sessions)} sessions, "
        f"{len(taken)} roll calls"
    )
