"""Demo data of the craftsman academy (all names invented).

Pages (3 tracks, 36 activities, 8 studios, 33 model workers, 74 folk craftsmen) stay the same at
every scale; pairings, logbook entries and their ratings grow with ``ctx.scale``.
"""

import datetime
import io
import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from taggit.models import Tag
from wagtail.images import get_image_model

from core import roles
from core.demo import invented_name, person

from .models import (
    ActivityPage,
    Competency,
    EntryCompetency,
    EvidencePhoto,
    Honour,
    LogEntry,
    Pairing,
    ProfileIndexPage,
    ProfilePage,
    SkillTag,
    StudioIndexPage,
    StudioPage,
    TrackPage,
    Trade,
)
from .services.completion import issue_pairing_certificate
from .services.photos import evidence_collection

# trade: (competencies, skills practised)
PAIRING_TRADES = {
    "服装裁剪": (
        ["量体与规格设计", "结构制版", "排料与算料", "裁剪工艺", "质量检验"],
        ["量体", "打版", "排料", "推版", "裁剪", "验片"],
    ),
    "磨工": (
        ["图样识读", "砂轮选用与修整", "外圆磨削", "平面磨削", "精度检测"],
        ["修砂轮", "外圆磨", "平面磨", "内孔磨", "千分尺测量"],
    ),
    "汽车维修": (
        ["发动机检修", "底盘检修", "电气故障诊断", "新能源安全操作", "维修质量检验"],
        ["故障诊断", "拆装发动机", "底盘调整", "电路检测", "高压安全"],
    ),
    "数控车工": (
        ["数控编程", "刀具选择与安装", "对刀与参数设置", "零件加工", "尺寸检测"],
        ["G代码编程", "对刀", "螺纹车削", "工件装夹", "量具使用"],
    ),
    "电工": (
        ["电气识图", "低压配电安装", "电机控制线路", "PLC编程", "安全用电"],
        ["接线", "PLC调试", "电机控制", "仪表测量", "安全检查"],
    ),
    "焊工": (
        ["焊接识图", "手工电弧焊", "气体保护焊", "焊缝检验", "焊接安全"],
        ["平焊", "立焊", "氩弧焊", "二保焊", "焊缝打磨"],
    ),
}
FOLK_TRADES = ["木雕", "竹编", "布龙制作", "剪纸", "千层饼制作", "根雕", "草编", "刺绣", "泥塑"]
FOLK_COMPETENCIES = ["选材备料", "基本技法", "纹样设计", "作品完成"]
TRADE_SLUGS = {
    "服装裁剪": "garment-cutting",
    "磨工": "grinding",
    "汽车维修": "auto-repair",
    "数控车工": "cnc-turning",
    "电工": "electrician",
    "焊工": "welding",
    "木雕": "woodcarving",
    "竹编": "bamboo-weaving",
    "布龙制作": "cloth-dragon",
    "剪纸": "paper-cutting",
    "千层饼制作": "layered-cake",
    "根雕": "root-carving",
    "草编": "straw-weaving",
    "刺绣": "embroidery",
    "泥塑": "clay-sculpture",
}
EMPLOYERS = [
    "奉化某服饰有限公司",
    "宁波某汽车零部件有限公司",
    "奉化某机械制造厂",
    "奉化某电力工程公司",
    "奉化某汽车服务有限公司",
    "奉化某精密模具有限公司",
    "奉化某食品有限公司",
    "奉化某工艺品合作社",
]
TRACKS = [
    (
        "助企服务",
        "enterprise-services",
        "劳模工匠走进企业车间，现场解决技术难题，开展技能诊断与服务。",
        ["技术难题会诊", "车间现场指导", "安全生产技能服务", "质量提升服务日"],
    ),
    (
        "名师带徒",
        "master-apprentice",
        "名师结对带徒，传授绝技绝活，一年结对师徒60对。",
        ["师徒结对仪式", "绝技绝活传授课", "技能等级晋升辅导", "师徒技艺交流会"],
    ),
    (
        "创新攻关",
        "innovation",
        "依托劳模工匠创新工作室，组织技术攻关、发明创造和成果转化。",
        ["创新工作室开放日", "技术攻关沙龙", "职工创新成果路演", "专利申报辅导"],
    ),
]
PLACES = [
    "奉化区职工服务中心",
    "劳模工匠学院实训室",
    "锦屏街道企业车间",
    "岳林街道工匠馆",
    "江口街道产业园",
]
STUDIO_NAMES = [
    ("服装裁剪", "锦绣剪裁创新工作室"),
    ("磨工", "精磨匠心创新工作室"),
    ("汽车维修", "智驾汽修创新工作室"),
    ("数控车工", "数控精工创新工作室"),
    ("电工", "安电先锋创新工作室"),
    ("焊工", "铁焊匠心创新工作室"),
    ("木雕", "雕刻时光创新工作室"),
    ("竹编", "竹韵编织创新工作室"),
]
HONOURS = (
    [("provincial", "浙江省劳动模范")] * 4
    + [("municipal", "宁波市劳动模范")] * 16
    + [("district", "奉化区劳动模范")] * 13
)


def seed(ctx):
    section = ctx.sections.get("academy.AcademyPage")
    if section is None:
        return
    if TrackPage.objects.exists() or Pairing.objects.exists():
        ctx.log("Academy: demo data already there")
        return
    today = timezone.localdate()
    trades = _seed_trades()
    _seed_tracks(ctx, section, today)
    profiles, mentors = _seed_profiles(ctx, section, trades)
    studios = _seed_studios(ctx, section, profiles, trades)
    count = _seed_pairings(ctx, trades, studios, mentors, today)
    ctx.log(
        f"Academy: {len(TRACKS)} tracks, {ActivityPage.objects.count()} activities, "
        f"{len(studios)} studios, {len(profiles)} profiles, {count} pairings, "
        f"{LogEntry.objects.count()} logbook entries"
    )


def _seed_trades():
    trades = {}
    for name, (competencies, _skills) in PAIRING_TRADES.items():
        trades[name] = Trade.objects.create(name=name, slug=TRADE_SLUGS[name])
        Competency.objects.bulk_create(
            Competency(trade=trades[name], name=c, sort_order=i) for i, c in enumerate(competencies)
        )
    for name in FOLK_TRADES:
        trades[name] = Trade.objects.create(name=name, slug=TRADE_SLUGS[name])
        Competency.objects.bulk_create(
            Competency(trade=trades[name], name=c, sort_order=i)
            for i, c in enumerate(FOLK_COMPETENCIES)
        )
    return trades


def _seed_tracks(ctx, section, today):
    rng = ctx.rng
    now = timezone.localtime()
    for t, (title, slug, intro, kinds) in enumerate(TRACKS):
        track = section.add_child(
            instance=TrackPage(title=title, slug=slug, intro=f"<p>{intro}</p>", show_in_menus=True)
        )
        for i in range(12):
            # Spread over the year: most past, the last few upcoming.
            days = -330 + i * 30 + t * 7 + rng.randint(0, 5)
            day = today + datetime.timedelta(days=days)
            starts = now.replace(
                year=day.year,
                month=day.month,
                day=day.day,
                hour=rng.choice([9, 14]),
                minute=0,
                second=0,
                microsecond=0,
            )
            kind = kinds[i % len(kinds)]
            track.add_child(
                instance=ActivityPage(
                    title=f"{kind}（第{i + 1}期）",
                    slug=f"{slug}-{i + 1}",
                    starts_at=starts,
                    ends_at=starts + datetime.timedelta(hours=2, minutes=30),
                    place=rng.choice(PLACES),
                    speakers="、".join(invented_name(rng) for _ in range(rng.randint(1, 3))),
                    summary=f"{title}板块活动：{kind}。劳模工匠与职工面对面交流技能经验。",
                )
            )


def _avatars(count):
    """A few plain avatars for the profile pages."""
    Image = get_image_model()
    colours = [(168, 38, 29), (31, 63, 119), (47, 122, 59), (178, 107, 0)]
    images = []
    for i in range(count):
        picture = PILImage.new("RGB", (240, 240), colours[i % len(colours)])
        draw = ImageDraw.Draw(picture)
        draw.ellipse((70, 40, 170, 140), fill=(250, 240, 225))
        draw.rectangle((50, 150, 190, 240), fill=(250, 240, 225))
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG")
        image = Image(title=f"头像 {i + 1}", file=ImageFile(buffer, name=f"avatar-{i + 1}.png"))
        image.save()
        images.append(image)
    return images


def _seed_profiles(ctx, section, trades):
    rng = ctx.rng
    index = section.add_child(
        instance=ProfileIndexPage(
            title="劳模与工匠",
            slug="people",
            intro="<p>奉化区劳动模范光荣榜与“匠领奉化”民间工匠风采。</p>",
            show_in_menus=True,
        )
    )
    avatars = _avatars(6)
    pairing_trades = list(PAIRING_TRADES)
    # The mentors of the pairings are model workers; the two demo mentors have profiles.
    demo_mentors = [
        ctx.login("demo-mentor") or person("academy-mentor-a", "邬承远", roles.MENTOR),
        ctx.login("demo-mentor2") or person("academy-mentor-b", "竺鸣岐", roles.MENTOR),
    ]
    profiles, mentors = [], list(demo_mentors)
    for i, (level, title) in enumerate(HONOURS):
        if i < len(demo_mentors):
            user = demo_mentors[i]
            name = user.first_name
        else:
            name = invented_name(rng)
            user = person(f"academy-mentor-{i:02d}", name, roles.MENTOR) if i < 22 else None
            if user:
                mentors.append(user)
        trade = trades[pairing_trades[i % len(pairing_trades)]]
        year = rng.choice([2019, 2020, 2021, 2022, 2023, 2024])
        profile = index.add_child(
            instance=ProfilePage(
                title=name,
                slug=f"model-worker-{i + 1}",
                kind=ProfilePage.Kind.MODEL_WORKER,
                photo=avatars[i % len(avatars)],
                employer=rng.choice(EMPLOYERS),
                trade=trade,
                person=user,
                story=f"<p>{name}扎根{trade.name}岗位二十余年，带出多名技术骨干，获评{title}。</p>",
                honours=[Honour(title=title, level=level, year=year)],
            )
        )
        profiles.append(profile)
    for i in range(74):
        name = invented_name(rng)
        trade = trades[FOLK_TRADES[i % len(FOLK_TRADES)]]
        profiles.append(
            index.add_child(
                instance=ProfilePage(
                    title=name,
                    slug=f"craftsman-{i + 1}",
                    kind=ProfilePage.Kind.FOLK_CRAFTSMAN,
                    employer=rng.choice(["个体工匠", "奉化某工艺品合作社", "非遗传习所"]),
                    trade=trade,
                    story=f"<p>{name}从事{trade.name}三十余年，作品多次参加“匠领奉化”展示。</p>",
                )
            )
        )
    return profiles, mentors


def _seed_studios(ctx, section, profiles, trades):
    rng = ctx.rng
    index = section.add_child(
        instance=StudioIndexPage(
            title="劳模工匠创新工作室",
            slug="studios",
            intro="<p>2024年新建区级劳模工匠创新工作室8家。</p>",
            show_in_menus=True,
        )
    )
    by_trade = {}
    for profile in profiles:
        by_trade.setdefault(profile.trade_id, []).append(profile)
    studios = []
    for i, (trade_name, title) in enumerate(STUDIO_NAMES):
        trade = trades[trade_name]
        people = by_trade.get(trade.pk, [])
        leader = people[0] if people else None
        achievements = [
            (
                "patent",
                {"title": f"一种{trade_name}用辅助装置", "year": 2023, "number": f"ZL2023{i:04d}"},
            ),
            (
                "award",
                {"title": "区职工技术创新成果奖", "year": 2024, "awarded_by": "奉化区总工会"},
            ),
            (
                "innovation",
                {"title": f"{trade_name}工艺流程优化", "year": 2024, "description": "效率提升15%"},
            ),
        ]
        studio = StudioPage(
            title=title,
            slug=f"studio-{i + 1}",
            leader=leader,
            members=people[1:4],
            level="municipal" if i < 2 else "district",
            year_recognised=2024 if i >= 2 else 2023,
            place=rng.choice(PLACES),
            focus=f"<p>围绕{trade_name}开展技术攻关、带徒传艺与成果转化。</p>",
            achievements=achievements,
        )
        studio.trades.add(trade_name, "技术创新" if i < 6 else "非遗传承")
        studios.append(index.add_child(instance=studio))
    return studios


def _apprentices(count, offset):
    """Invented apprentices, made in bulk (they cannot log in)."""
    User = get_user_model()
    usernames = [f"academy-apprentice-{offset + i:04d}" for i in range(count)]
    import random

    rng = random.Random(offset)
    User.objects.bulk_create(
        [
            User(username=u, first_name=invented_name(rng), password=make_password(None))
            for u in usernames
        ],
        ignore_conflicts=True,
    )
    users = list(User.objects.filter(username__in=usernames).order_by("username"))
    group = Group.objects.get(name=roles.APPRENTICE)
    group.user_set.through.objects.bulk_create(
        [group.user_set.through(user_id=u.pk, group_id=group.pk) for u in users],
        ignore_conflicts=True,
    )
    return users


def _seed_pairings(ctx, trades, studios, mentors, today):
    rng = ctx.rng
    scale = ctx.scale
    total = 60 * scale
    demo_mentor, demo_mentor2 = mentors[0], mentors[1]
    demo_apprentice = ctx.login("demo-apprentice") or person(
        "academy-apprentice-demo", "毛小川", roles.APPRENTICE
    )
    apprentices = _apprentices(total - 1, 0)
    pairing_trades = list(PAIRING_TRADES)
    studio_by_trade = {studio.trades.first().name: studio for studio in studios}
    other_mentors = mentors[2:]

    plans = []
    for i in range(total):
        if i < 5 * scale:
            mentor = demo_mentor
        elif i < 8 * scale:
            mentor = demo_mentor2
        else:
            mentor = other_mentors[i % len(other_mentors)]
        apprentice = demo_apprentice if i == 0 else apprentices[i - 1]
        # The first of each mentor's set stays active and fresh for the browser scenarios.
        if i in (0, 5 * scale):
            kind = "fresh"
        elif i in (1, 2):
            kind = "ready"  # targets met: the manager can complete it
        elif i % 60 in (3, 13, 23, 33, 43, 53, 9, 19) and i < 60:
            kind = "completed"
        elif i % 10 == 7:
            kind = "stale"
        elif i % 30 == 11:
            kind = "withdrawn"
        elif i % 20 == 15:
            kind = "on_break"
        else:
            kind = "active"
        plans.append((mentor, apprentice, kind))

    pairings = []
    for i, (mentor, apprentice, kind) in enumerate(plans):
        trade_name = pairing_trades[i % len(pairing_trades)]
        months = rng.randint(4, 11)
        start = today - datetime.timedelta(days=30 * months + rng.randint(0, 20))
        pairings.append(
            Pairing(
                mentor=mentor,
                apprentice=apprentice,
                trade=trades[trade_name],
                studio=studio_by_trade.get(trade_name) if i % 2 == 0 else None,
                start=start,
                planned_end=start + datetime.timedelta(days=365),
                target_hours=Decimal(rng.choice([120, 150, 180, 200])),
                target_level=rng.choice([5, 4, 4, 3, 3, 2]),
                goals=f"掌握{trade_name}核心技能，达到目标职业技能等级。",
                status={
                    "completed": Pairing.Status.ACTIVE,  # completed below, once entries exist
                    "withdrawn": Pairing.Status.WITHDRAWN,
                    "on_break": Pairing.Status.ON_BREAK,
                }.get(kind, Pairing.Status.ACTIVE),
                break_reason="单位生产旺季，暂停两个月" if kind == "on_break" else "",
            )
        )
    pairings = Pairing.objects.bulk_create(pairings)
    through = Pairing.competencies.through
    competencies = {}
    for competency in Competency.objects.filter(trade__in=trades.values()):
        competencies.setdefault(competency.trade_id, []).append(competency)
    through.objects.bulk_create(
        through(pairing_id=p.pk, competency_id=c.pk)
        for p in pairings
        for c in competencies[p.trade_id]
    )

    tags = {}
    for _competencies, skills in PAIRING_TRADES.values():
        for skill in skills:
            if skill not in tags:
                tags[skill] = Tag.objects.get_or_create(name=skill)[0]

    entries, entry_meta = [], []
    for pairing, (_mentor, _apprentice, kind) in zip(pairings, plans, strict=True):
        if kind == "stale":
            last = today - datetime.timedelta(days=rng.randint(35, 80))
        elif kind in ("withdrawn", "on_break"):
            last = today - datetime.timedelta(days=rng.randint(20, 60))
        else:
            last = today - datetime.timedelta(days=rng.randint(0, 6))
        day = pairing.start + datetime.timedelta(days=rng.randint(1, 5))
        dates = []
        while day <= last:
            dates.append(day)
            day += datetime.timedelta(days=rng.choice([5, 7, 7, 9]))
        for n, date in enumerate(dates):
            entries.append(
                LogEntry(
                    pairing=pairing,
                    date=date,
                    hours=Decimal(rng.choice(["2.0", "3.0", "3.5", "4.0", "4.5"])),
                    notes="示范操作后由徒弟独立完成，纠正了两处手法问题。",
                    reflection="按师傅的要求反复练习，手法更稳了。" if n < len(dates) - 2 else "",
                    confirmed_at=(
                        timezone.make_aware(datetime.datetime.combine(date, datetime.time(20)))
                        if n < len(dates) - 2
                        else None
                    ),
                    confirmed_by=pairing.apprentice if n < len(dates) - 2 else None,
                    created_by=pairing.mentor,
                )
            )
            entry_meta.append((pairing, kind, n, len(dates)))
    entries = LogEntry.objects.bulk_create(entries, batch_size=2000)

    skill_rows, rating_rows = [], []
    for entry, (pairing, _kind, n, count) in zip(entries, entry_meta, strict=True):
        skills = PAIRING_TRADES[pairing.trade.name][1]
        for skill in rng.sample(skills, rng.randint(1, 3)):
            skill_rows.append(SkillTag(content_object=entry, tag=tags[skill]))
        trade_competencies = competencies[pairing.trade_id]
        progress = (n + 1) / count
        # Worked on in order; reached once the pairing is far enough along.
        position = min(len(trade_competencies) - 1, int(progress * len(trade_competencies)))
        competency = trade_competencies[position]
        rating = 3 if progress > 0.8 else 2
        rating_rows.append(EntryCompetency(entry=entry, competency=competency, rating=rating))
    SkillTag.objects.bulk_create(skill_rows, batch_size=5000)
    EntryCompetency.objects.bulk_create(rating_rows, batch_size=5000, ignore_conflicts=True)

    _complete_demo_pairings(ctx, pairings, plans, competencies, entries, entry_meta, today)
    _demo_evidence(ctx, pairings[0])
    # Stale pairings were already flagged (and emailed) by the daily task.
    Pairing.objects.stale(today).update(stale_flagged_on=today - datetime.timedelta(days=3))
    return len(pairings)


def _complete_demo_pairings(ctx, pairings, plans, competencies, entries, entry_meta, today):
    """Completed pairings: every competency reached, target met, certificate issued."""
    for pairing, (_mentor, _apprentice, kind) in zip(pairings, plans, strict=True):
        if kind not in ("completed", "ready"):
            continue
        last_entry = max(
            (e for e, meta in zip(entries, entry_meta, strict=True) if meta[0] is pairing),
            key=lambda e: e.date,
        )
        existing = set(
            EntryCompetency.objects.filter(entry=last_entry).values_list("competency", flat=True)
        )
        EntryCompetency.objects.bulk_create(
            EntryCompetency(entry=last_entry, competency=c, rating=3)
            for c in competencies[pairing.trade_id]
            if c.pk not in existing
        )
        LogEntry.objects.filter(pairing=pairing).update(
            confirmed_at=timezone.now(), confirmed_by=pairing.apprentice
        )
        from django.db.models import Sum

        hours = LogEntry.objects.filter(pairing=pairing).aggregate(h=Sum("hours"))["h"]
        pairing.target_hours = min(pairing.target_hours, (hours // 10) * 10)
        if kind == "ready":
            pairing.save(update_fields=["target_hours"])
            continue
        pairing.status = Pairing.Status.COMPLETED
        pairing.completed_on = last_entry.date + datetime.timedelta(days=3)
        pairing.hours_logged = hours
        pairing.certificate = issue_pairing_certificate(pairing, issued_on=pairing.completed_on)
        pairing.save()


def _demo_evidence(ctx, pairing):
    """A few evidence photos on the demo mentor's first pairing."""
    Image = get_image_model()
    collection = evidence_collection()
    photos = []
    for n, entry in enumerate(pairing.entries.order_by("-date")[:3]):
        picture = PILImage.new("RGB", (640, 480), (200 - n * 30, 170, 120 + n * 30))
        ImageDraw.Draw(picture).rectangle((120, 120, 520, 360), outline=(60, 40, 20), width=12)
        buffer = io.BytesIO()
        picture.save(buffer, format="JPEG")
        image = Image(
            title=f"{pairing.apprentice_name} {entry.date}",
            file=ImageFile(buffer, name=f"{uuid.uuid4().hex}.jpg"),
            collection=collection,
        )
        image.save()
        photos.append(EvidencePhoto(entry=entry, image=image))
    EvidencePhoto.objects.bulk_create(photos)
