"""Demo pages of the academy: tracks with activities, profiles, studios."""

import datetime
import io

from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model

from core import roles
from core.demo import invented_name, person

from ..models import (
    ActivityPage,
    Competency,
    Honour,
    ProfileIndexPage,
    ProfilePage,
    StudioIndexPage,
    StudioPage,
    TrackPage,
    Trade,
)
from .data import (
    EMPLOYERS,
    FOLK_COMPETENCIES,
    FOLK_TRADES,
    HONOURS,
    PAIRING_TRADES,
    PLACES,
    STUDIO_NAMES,
    TRACKS,
    TRADE_SLUGS,
)


def seed_trades():
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


def seed_tracks(ctx, section, today):
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


def _work_images(count):
    """A few pictures standing for the craftsmen's works (woven, carved and dyed patterns)."""
    Image = get_image_model()
    grounds = [(236, 224, 200), (30, 60, 110), (120, 70, 40), (245, 240, 232)]
    inks = [(150, 90, 40), (235, 235, 240), (230, 190, 120), (168, 38, 29)]
    images = []
    for i in range(count):
        picture = PILImage.new("RGB", (800, 500), grounds[i % len(grounds)])
        draw = ImageDraw.Draw(picture)
        ink = inks[i % len(inks)]
        for row in range(0, 500, 50):
            for col in range(0, 800, 50):
                if (row // 50 + col // 50 + i) % 2:
                    draw.ellipse((col + 8, row + 8, col + 42, row + 42), outline=ink, width=4)
                else:
                    draw.rectangle((col + 18, row + 18, col + 32, row + 32), fill=ink)
        buffer = io.BytesIO()
        picture.save(buffer, format="JPEG", quality=85)
        image = Image(title=f"作品 {i + 1}", file=ImageFile(buffer, name=f"work-{i + 1}.jpg"))
        image.save()
        images.append(image)
    return images


def seed_profiles(ctx, section, trades):
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
    works = _work_images(4)
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
                    work_image=works[i % len(works)] if i % 2 == 0 else None,
                    photo=avatars[i % len(avatars)] if i % 3 == 0 else None,
                    employer=rng.choice(["个体工匠", "奉化某工艺品合作社", "非遗传习所"]),
                    trade=trade,
                    story=f"<p>{name}从事{trade.name}三十余年，作品多次参加“匠领奉化”展示。</p>",
                )
            )
        )
    return profiles, mentors


def seed_studios(ctx, section, profiles, trades):
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
