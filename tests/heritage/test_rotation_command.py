import io

import pytest
from django.core.management import CommandError, call_command

from heritage.models import PlanEntry, Season
from heritage.services.rotation import rotation_problems

pytestmark = pytest.mark.django_db


def test_the_command_writes_a_rotation_where_every_pair_meets(demo_data):
    PlanEntry.objects.all().delete()
    out = io.StringIO()
    call_command("generate_rotation", "--rewrite-started", stdout=out)
    entries = list(PlanEntry.objects.all())
    assert "plan entries written" in out.getvalue()
    assert len(entries) > 0
    assert rotation_problems(entries) == []
    pairs = {(entry.kindergarten_id, entry.craft_id) for entry in entries}
    assert len(pairs) == 11 * 11


def test_the_command_refuses_an_unknown_season(demo_data):
    before = PlanEntry.objects.count()
    with pytest.raises(CommandError, match="Unknown season"):
        call_command("generate_rotation", "第九季", stdout=io.StringIO())
    assert PlanEntry.objects.count() == before


def test_one_season_alone_is_refused_because_not_every_pair_could_meet(demo_data):
    season = Season.objects.order_by("starts_on").last()
    before = sorted(PlanEntry.objects.values_list("pk", flat=True))
    with pytest.raises(CommandError, match="少于 11 项技艺"):
        call_command("generate_rotation", season.name, "--rewrite-started", stdout=io.StringIO())
    assert sorted(PlanEntry.objects.values_list("pk", flat=True)) == before


def test_the_command_keeps_the_plan_of_a_started_season(demo_data):
    before = sorted(PlanEntry.objects.values_list("pk", flat=True))
    with pytest.raises(CommandError, match="already started"):
        call_command("generate_rotation", stdout=io.StringIO())
    assert sorted(PlanEntry.objects.values_list("pk", flat=True)) == before
