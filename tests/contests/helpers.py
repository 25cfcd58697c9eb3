from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import UserFactory
from tests.factories.contests import (
    AwardTierFactory,
    CriterionFactory,
    EntrantFactory,
    EventFactory,
    SheetFactory,
)


def csv_file(text, name="entrants.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_file(rows, name="entrants.xlsx"):
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def ready_event(contest, entrants=3, judges=3, rule="trimmed", name="女装裁剪"):
    """An event with 2 criteria, 3 tiers, entrants and judges (no scores)."""
    event = EventFactory(contest=contest, name=name, rule=rule)
    CriterionFactory(
        event=event, name="实操", maximum=Decimal("100"), weight=Decimal("0.7"), tie_break=1
    )
    CriterionFactory(event=event, name="理论", maximum=Decimal("100"), weight=Decimal("0.3"))
    for position, (tier, count) in enumerate([("一等奖", 1), ("二等奖", 1), ("三等奖", 1)]):
        AwardTierFactory(event=event, name=tier, count=count, position=position)
    for i in range(entrants):
        EntrantFactory(event=event, bib=f"{i + 1:03d}", name=f"选手{i + 1}")
    sheets = [
        SheetFactory(event=event, judge=UserFactory(username=f"j{event.pk}-{i}", role="judge"))
        for i in range(judges)
    ]
    return event, sheets


def fill(event, sheets, base=80, submit=True):
    """Every judge scores every active entrant on every criterion and (unless ``submit`` is
    false) submits the sheet."""
    from django.utils import timezone

    from contests.models import Score, Sheet

    scores = []
    for j, sheet in enumerate(sheets):
        for i, entrant in enumerate(event.entrants.active().order_by("bib")):
            for criterion in event.criteria.all():
                scores.append(
                    Score(
                        sheet=sheet,
                        entrant=entrant,
                        criterion=criterion,
                        points=Decimal(base - (i % 12) * 5 + j),
                    )
                )
    Score.objects.bulk_create(scores)
    if submit:
        Sheet.objects.filter(pk__in=[sheet.pk for sheet in sheets]).update(
            submitted_at=timezone.now()
        )
        for sheet in sheets:
            sheet.refresh_from_db()
