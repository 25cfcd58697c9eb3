import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from academy.models import Competency, LogEntry, Pairing, Trade
from tests.factories import UserFactory

__all__ = ["TradeFactory", "CompetencyFactory", "PairingFactory", "LogEntryFactory"]


class TradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trade
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"工种{n}")
    slug = factory.Sequence(lambda n: f"trade-{n}")


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency

    trade = factory.SubFactory(TradeFactory)
    name = factory.Sequence(lambda n: f"能力{n}")
    sort_order = factory.Sequence(lambda n: n)


class PairingFactory(factory.django.DjangoModelFactory):
    """A pairing started 60 days ago; ``competencies=2`` adds that many of its trade."""

    class Meta:
        model = Pairing
        skip_postgeneration_save = True

    mentor = factory.SubFactory(UserFactory, role="mentor")
    apprentice = factory.SubFactory(UserFactory, role="apprentice")
    trade = factory.SubFactory(TradeFactory)
    start = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=60))
    planned_end = factory.LazyAttribute(lambda p: p.start + datetime.timedelta(days=365))
    target_hours = Decimal("10")
    target_level = 4

    @factory.post_generation
    def competencies(self, create, extracted, **kwargs):
        if not create:
            return
        count = extracted if isinstance(extracted, int) else 0
        for _ in range(count):
            self.competencies.add(CompetencyFactory(trade=self.trade))


class LogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LogEntry

    pairing = factory.SubFactory(PairingFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    hours = Decimal("3")
    notes = "示范与练习"
    created_by = factory.LazyAttribute(lambda e: e.pairing.mentor)
