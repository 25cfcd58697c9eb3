"""Demo data: 2024's contests (1 municipal, 5 群英赛, 40 district/town), plus one contest
in public notice, one under way (demo-judge and demo-judge2 have draft sheets) and one open
for registration, dated around today. Entrants and scores scale with ``ctx.scale``."""

import datetime
import io
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images.models import Image

from core.demo import invented_name, person
from core.models import Certificate, new_certificate_code
from core.roles import JUDGE, ORGANIZER

from .models import (
    AwardTier,
    ContestGalleryImage,
    ContestPage,
    Criterion,
    Entrant,
    Event,
    Measurement,
    Objection,
    ResultsPage,
    Score,
    Sheet,
    Stage,
)
from .services.measuring import band_points
from .services.publishing import ensure_results_workflow
from .services.ranking import rank_event

UNITS = [
    "奉化区职业技术教育中心",
    "宁波某汽车销售服务有限公司",
    "奉化某服饰有限公司",
    "溪口镇某机械厂",
    "江口街道某模具厂",
    "岳林街道社区卫生服务中心",
    "萧王庙街道某农业合作社",
    "西坞街道某电器公司",
    "莼湖街道某水产公司",
    "尚田街道某茶业公司",
    "大堰镇某旅游公司",
    "松岙镇某船舶修造厂",
    "裘村镇某食品公司",
    "锦屏街道某广告公司",
    "奉化某建设集团",
]
TOWNS = [
    "溪口镇",
    "江口街道",
    "岳林街道",
    "萧王庙街道",
    "西坞街道",
    "莼湖街道",
    "尚田街道",
    "大堰镇",
    "松岙镇",
    "裘村镇",
    "锦屏街道",
    "方桥街道",
]
DISTRICT_TRADES = [
    "电工",
    "焊工",
    "钳工",
    "车工",
    "叉车司机",
    "育婴员",
    "养老护理员",
    "中式烹调",
    "中式面点",
    "茶艺",
    "插花",
    "美发",
    "物流服务",
    "电子商务直播",
    "数控铣",
    "家政服务",
    "保安员",
    "快递员",
    "网约车驾驶员",
    "园林绿化",
    "水产养殖",
    "水蜜桃栽培",
    "芋艿头种植",
    "竹编",
]
QUNYING = [
    ("汽车网络营销", ["直播讲解", "方案策划"]),
    ("服装裁剪", ["女装裁剪"]),
    ("磨工", ["外圆磨削"]),
    ("电子商务", ["店铺运营"]),
    ("中式烹调", ["热菜制作"]),
]
CRITERIA = {
    "default": [
        ("实操", "100", "0.6", "judgement", 1),
        ("理论", "100", "0.3", "measurement", 2),
        ("安全文明", "10", "1", "judgement", None),
    ],
    "design": [
        ("创意", "40", "1", "judgement", 1),
        ("视觉表现", "30", "1", "judgement", 2),
        ("传播效果", "20", "1", "judgement", None),
        ("规范", "10", "1", "measurement", None),
    ],
}
TIERS = [("一等奖", 1), ("二等奖", 2), ("三等奖", 3)]


def seed(ctx):
    index = ctx.sections.get("contests.ContestIndexPage")
    if index is None or ContestPage.objects.exists():
        ctx.log("Contests: already seeded")
        return
    started = timezone.now()
    rng = ctx.rng
    ensure_results_workflow()
    organizer = ctx.login("demo-organizer") or person("organizer-sun", "孙照临", ORGANIZER)
    municipal_organizer = person("organizer-city", "贝如海", ORGANIZER)
    judges = [person(f"judge-{i:02d}", invented_name(rng), JUDGE) for i in range(1, 13)]
    demo_judge = ctx.login("demo-judge") or person("judge-ge", "葛明衡", JUDGE)
    demo_judge2 = ctx.login("demo-judge2") or person("judge-shao", "邵立秋", JUDGE)

    plan = [
        (
            "2024年宁波市广告设计精英赛",
            "municipal",
            "elite",
            ["平面广告设计", "新媒体广告设计"],
            "design",
            "宁波市奉化区文化创意园",
            [municipal_organizer],
        )
    ]
    for trade, events in QUNYING:
        plan.append(
            (
                f"2024年奉化区“{trade}”群英赛",
                "district",
                "qunying",
                events,
                "default",
                "奉化区职业技术教育中心",
                [organizer],
            )
        )
    for i in range(40):
        trade = DISTRICT_TRADES[i % len(DISTRICT_TRADES)]
        if i % 3 == 2:
            town = TOWNS[i % len(TOWNS)]
            plan.append(
                (
                    f"2024年{town}{trade}技能竞赛",
                    "town",
                    "skills",
                    [trade],
                    "default",
                    f"{town}文化礼堂",
                    [organizer],
                )
            )
        else:
            round_ = "" if i < len(DISTRICT_TRADES) else "（秋季）"
            plan.append(
                (
                    f"2024年奉化区{trade}职业技能竞赛{round_}",
                    "district",
                    "skills",
                    [trade],
                    "default",
                    "奉化区职业技术教育中心",
                    [organizer],
                )
            )

    today = timezone.localdate()
    finals, scores, entrants_all = [], [], []
    contests, memberships = [], []
    Through = ContestPage.organizers.through
    for number, (title, level, kind, event_names, scheme, venue, organizers) in enumerate(plan):
        day = datetime.date(2024, 3, 1) + datetime.timedelta(days=number * 6)
        contest = ContestPage(
            title=title,
            slug=f"2024-{number + 1:02d}",
            year=2024,
            level=level,
            contest_type=kind,
            summary=f"{title}：以赛促学、以赛促训，选拔一批技术过硬的能工巧匠。",
            rules="<p>比赛分理论与实操两部分。评委五人，去掉一个最高分和一个最低分后取平均。"
            "成绩公示5天，公示期间可提出异议。</p>",
            venue=venue,
            starts_on=day,
            ends_on=day + datetime.timedelta(days=1),
            registration_opens=day - datetime.timedelta(days=30),
            registration_closes=day - datetime.timedelta(days=7),
        )
        index.add_child(instance=contest)
        memberships += [Through(contestpage=contest, user=user) for user in organizers]
        contests.append((contest, event_names, scheme))

    # Three contests dated around today: in public notice, under way, open for registration.
    current = [
        ("奉化区汽车维修工技能竞赛", -12, ["机电维修", "钣金喷漆"], "notice"),
        ("奉化区中式面点师技能竞赛", 0, ["苏式月饼", "奉化千层饼"], "live"),
        ("奉化区茶艺师技能竞赛", 30, ["茶艺表演"], "open"),
    ]
    special = {}
    for name, days, event_names, state in current:
        start = today + datetime.timedelta(days=days)
        contest = ContestPage(
            title=f"{start.year}年{name}",
            slug=f"{start.year}-{state}",
            year=start.year,
            level="district",
            contest_type="skills",
            summary=f"{name}：技能比武，岗位练兵。",
            rules="<p>评委五人，去掉一个最高分和一个最低分后取平均；总分相同时依次比较实操、理论。</p>",
            venue="奉化区职业技术教育中心",
            starts_on=start,
            ends_on=start + datetime.timedelta(days=1),
            registration_opens=start - datetime.timedelta(days=40),
            registration_closes=start - datetime.timedelta(days=5 if state != "open" else -1)
            if state != "open"
            else today + datetime.timedelta(days=20),
        )
        index.add_child(instance=contest)
        memberships.append(Through(contestpage=contest, user=organizer))
        contests.append((contest, event_names, "default"))
        special[contest.pk] = state

    Through.objects.bulk_create(memberships)
    count = 12 * ctx.scale
    event_specs = []
    for contest, event_names, scheme in contests:
        for name in event_names:
            event = Event.objects.create(
                contest=contest,
                name=name,
                rule="trimmed",
                minimum_total=Decimal("60"),
                deviation_threshold=Decimal("8"),
                hide_names=scheme == "design",
            )
            event_specs.append((contest, event, scheme))
    Criterion.objects.bulk_create(
        Criterion(
            event=event,
            position=p,
            name=n,
            maximum=Decimal(m),
            weight=Decimal(w),
            kind=k,
            tie_break=tb,
        )
        for _c, event, scheme in event_specs
        for p, (n, m, w, k, tb) in enumerate(CRITERIA[scheme])
    )
    AwardTier.objects.bulk_create(
        AwardTier(event=event, position=p, name=n, count=c)
        for _c, event, _s in event_specs
        for p, (n, c) in enumerate(TIERS)
    )
    entrants = []
    for contest, event, _s in event_specs:
        state = special.get(contest.pk)
        size = 6 if state == "open" else count
        taken = set()
        for i in range(size):
            name, unit = invented_name(rng), rng.choice(UNITS)
            while (name, unit) in taken:
                name = invented_name(rng)
            taken.add((name, unit))
            status = "active"
            if state != "open" and i == size - 1:
                status = "absent"
            elif state != "open" and i == size - 2 and rng.random() < 0.2:
                status = "disqualified"
            entrants.append(
                Entrant(
                    event=event,
                    bib=f"{i + 1:03d}",
                    name=name,
                    unit=unit,
                    phone=f"138{rng.randrange(10**8):08d}",
                    status=status,
                    source="import",
                )
            )
    Entrant.objects.bulk_create(entrants, batch_size=2000)

    sheets = []
    live_events = [e for c, e, _s in event_specs if special.get(c.pk) == "live"]
    for contest, event, _s in event_specs:
        if special.get(contest.pk) == "open":
            continue
        panel = rng.sample(judges, 5)
        if event in live_events:
            panel[0] = demo_judge if event == live_events[0] else demo_judge2
        for judge in panel:
            sheets.append(Sheet(event=event, judge=judge))
    now = timezone.now()
    for sheet in sheets:
        sheet.submitted_at = now
    Sheet.objects.bulk_create(sheets, batch_size=2000)
    for sheet in sheets:
        if sheet.judge in (demo_judge, demo_judge2):
            sheet.submitted_at = None
    Sheet.objects.filter(judge__in=[demo_judge, demo_judge2]).update(submitted_at=None)

    criteria_by_event = {}
    for criterion in Criterion.objects.filter(event__in=[e for _c, e, _s in event_specs]):
        criteria_by_event.setdefault(criterion.event_id, []).append(criterion)
    entrants_by_event = {}
    for entrant in Entrant.objects.filter(
        status="active", event__in=[e for _c, e, _s in event_specs]
    ):
        entrants_by_event.setdefault(entrant.event_id, []).append(entrant)
    for sheet in sheets:
        strictness = rng.uniform(-4, 4)
        draft = sheet.judge in (demo_judge, demo_judge2)
        for n, entrant in enumerate(entrants_by_event.get(sheet.event_id, [])):
            if draft and n >= 3:
                break  # demo judges have started their sheets, not finished them
            ability = (sum(map(ord, entrant.name)) % 25) / 100 + 0.62
            for criterion in criteria_by_event[sheet.event_id]:
                if criterion.is_measured:
                    continue
                value = float(criterion.maximum) * ability + rng.uniform(-3, 3) + strictness
                value = max(0.0, min(float(criterion.maximum), value))
                scores.append(
                    Score(
                        sheet=sheet,
                        entrant=entrant,
                        criterion=criterion,
                        points=Decimal(f"{value:.1f}"),
                    )
                )
    # one harsh score for the organizer to see flagged in the contest under way
    if live_events and scores:
        harsh = next(
            s
            for s in scores
            if s.sheet.event_id == live_events[0].pk and s.sheet.judge != demo_judge
        )
        harsh.points = Decimal("0")
    Score.objects.bulk_create(scores, batch_size=5000)
    # Measured criteria (a written test's mark, a compliance check) are entered once per
    # entrant, by the organizer.
    measurements = []
    for contest, event, _s in event_specs:
        if special.get(contest.pk) == "open":
            continue
        for entrant in entrants_by_event.get(event.pk, []):
            ability = (sum(map(ord, entrant.name)) % 25) / 100 + 0.62
            for criterion in criteria_by_event[event.pk]:
                if not criterion.is_measured:
                    continue
                value = float(criterion.maximum) * ability + rng.uniform(-4, 4)
                value = Decimal(f"{max(0.0, min(float(criterion.maximum), value)):.1f}")
                measurements.append(
                    Measurement(
                        criterion=criterion,
                        entrant=entrant,
                        value=value,
                        points=band_points(criterion, value),
                        entered_by=organizer,
                    )
                )
    Measurement.objects.bulk_create(measurements, batch_size=5000)
    entrants_all = entrants

    # Results: final for 2024's contests, public notice for one; none for the others.
    entrant_type = ContentType.objects.get_for_model(Entrant)
    certificates = []
    for contest, event, _s in event_specs:
        state = special.get(contest.pk)
        if state in ("live", "open"):
            continue
        criteria, ranked = rank_event(event)
        standings = [s.as_row() for s in ranked]
        notice_ends = contest.ends_on + datetime.timedelta(days=6)
        if state == "notice":
            # the first event's notice runs on; the second's has ended but an objection is open
            notice_ends = today + datetime.timedelta(days=3)
            if event.name == "钣金喷漆":
                notice_ends = today - datetime.timedelta(days=1)
                Objection.objects.create(
                    event=event,
                    name=invented_name(rng),
                    contact=f"139{rng.randrange(10**8):08d}",
                    message="我对002号选手的喷漆质量得分有疑问，请复核。",
                )
        page = ResultsPage(
            title=f"成绩：{event.name}",
            slug=f"results-{event.pk}",
            event=event,
            stage=Stage.NOTICE if state == "notice" else Stage.FINAL,
            notice_until=notice_ends,
            finalised_on=None
            if state == "notice"
            else contest.ends_on + datetime.timedelta(days=7),
            standings=standings,
            criteria=[criterion.name for criterion in criteria],
            computed_at=timezone.now(),
        )
        contest.add_child(instance=page)
        if state != "notice":
            finals.append(page)
            for row in standings:
                if row["award"]:
                    certificates.append(
                        Certificate(
                            code=new_certificate_code(),
                            kind=Certificate.Kind.CONTEST,
                            recipient_name=row["name"],
                            title=f"{contest.title} {event.name} {row['award']}",
                            details=f"{row['unit']}\n第{row['rank']}名 · 总分 {row['total']}",
                            issued_on=page.finalised_on,
                            source_type=entrant_type,
                            source_id=row["entrant_id"],
                        )
                    )
    Certificate.objects.bulk_create(certificates, batch_size=2000)
    _render_some(certificates[:3])
    _gallery(contests[0][0])
    seconds = (timezone.now() - started).total_seconds()
    ctx.log(
        f"Contests: {len(contests)} contests, {len(event_specs)} events, {len(entrants_all)} "
        f"entrants, {len(scores)} scores, {len(finals)} final results, {len(certificates)} "
        f"certificates ({seconds:.1f}s)"
    )


def _render_some(certificates):
    """Render a few certificates now (the rest render when an organizer runs the batch)."""
    from core.certificates import render_certificate

    for certificate in Certificate.objects.filter(code__in=[c.code for c in certificates]):
        render_certificate(certificate)


def _gallery(contest):
    colours = [(170, 30, 30), (40, 70, 150), (200, 150, 60)]
    for position, colour in enumerate(colours):
        buffer = io.BytesIO()
        PILImage.new("RGB", (640, 440), colour).save(buffer, format="PNG")
        image = Image.objects.create(
            title=f"{contest.title} 现场 {position + 1}",
            file=ImageFile(buffer, name=f"contest-{contest.pk}-{position + 1}.png"),
        )
        ContestGalleryImage.objects.create(
            page=contest, image=image, caption=f"比赛现场 {position + 1}", sort_order=position
        )
