from decimal import Decimal

import pytest

from academy.services.progress import axis_ceiling, hours_series
from tests.factories.academy import LogEntryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "top"), [(10, 10), (120, 150), (3.2, 3.5), (600, 600), (601, 650), (0, 1)]
)
def test_the_axis_top_is_a_round_number_at_or_above_the_value(value, top):
    assert axis_ceiling(value) == top


def test_the_hours_axis_reaches_the_target_even_when_few_hours_are_logged(pairing):
    pairing.target_hours = Decimal("600")
    pairing.save()
    LogEntryFactory(pairing=pairing, hours=Decimal("8"))
    series = hours_series(pairing)
    assert series["target"] == 600
    assert series["axis_max"] >= 600
    assert max(series["cumulative"]) == 8


def test_the_axis_grows_past_the_target_when_more_is_logged(pairing):
    pairing.target_hours = Decimal("5")
    pairing.save()
    LogEntryFactory(pairing=pairing, hours=Decimal("7"))
    assert hours_series(pairing)["axis_max"] >= 7
