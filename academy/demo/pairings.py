"""Demo pairings with their logbook, ratings, a completed pairing and evidence photos."""

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

from ..models import (
    Competency,
    EntryCompetency,
    EvidencePhoto,
    LogEntry,
    Pairing,
    SkillTag,
)
from ..services.completion import issue_pairing_certificate
from ..services.photos import evidence_collection
from .data import PAIRING_TRADES


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


def seed_pairings(ctx, trades, studios, mentors, today):
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
        target_hours = Decimal(rng.choice([120, 150, 180, 200]))
        length = 365
        if kind == "fresh":
            # A two-year apprenticeship well short of its target, for the browser scenarios.
            target_hours, length = Decimal(400), 730
        pairings.append(
            Pairing(
                mentor=mentor,
                apprentice=apprentice,
                trade=trades[trade_name],
                studio=studio_by_trade.get(trade_name) if i % 2 == 0 else None,
                start=start,
                planned_end=start + datetime.timedelta(days=length),
                target_hours=target_hours,
                target_level=rng.choice([5, 4, 4, 3, 3, 2]),
                goals=f"掌握{trade_name}核心技能，达到目标职业技能等级。",
                status={
                    "completed": Pairing.Status.ACTIVE,  # completed below, once entries exist
                    "withdrawn": Pairing.Status.WITHDRAWN,
                    "on_break": Pairing.Status.ON_BREAK,
                }.get(kind, Pairing.Status.ACTIVE),
                break_reason="单位生产旺季，暂停两个月" if kind == "on_break" else "",
                shown_on_mentor_profile=i % 3 != 2,
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
        pairing.hours_logged = pairing.hours_confirmed = hours
        pairing.reached_level = pairing.target_level
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
