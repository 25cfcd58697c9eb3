"""A season's new rotation from the plan page: a preview of what changes, then the previewed
plan saved for that season only; started seasons and double-booked craftsmen are refused."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from heritage.models import PlanEntry
from tests.factories import UserFactory
from tests.factories.heritage import KindergartenFactory, SeasonFactory, make_craft

pytestmark = pytest.mark.django_db


def _plan(site_tree, size, shared_craftsman=False):
    """``size`` crafts and kindergartens, a season that has started and one ahead (each with
    ``size`` rounds), and the started season's plan already saved."""
    programme = site_tree.sections["heritage.ProgrammePage"]
    one = UserFactory(role="craftsman", first_name="共用师傅")
    crafts = [
        make_craft(
            programme,
            title=f"技艺{i}",
            slug=f"c{i}",
            craftsman=one if shared_craftsman and i < 2 else None,
        )
        for i in range(size)
    ]
    kgs = [KindergartenFactory(name=f"幼儿园{i}", short_name=f"园{i}") for i in range(size)]
    today = timezone.localdate()
    started = SeasonFactory(
        name="进行季",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=30),
        rounds=size,
    )
    ahead = SeasonFactory(
        name="下一季",
        starts_on=today + datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=150),
        rounds=size,
    )
    for number in range(1, size + 1):
        for k, kg in enumerate(kgs):
            craft = crafts[(k + number) % size]
            PlanEntry.objects.create(
                season=started,
                round=number,
                starts_on=started.starts_on,
                ends_on=started.ends_on,
                kindergarten=kg,
                craft=craft,
                craftsman_id=craft.craftsman_id,
                planned_sessions=7,
            )
    manager = UserFactory(role="manager", username=f"manager{size}")
    return crafts, kgs, started, ahead, manager


def _rows(season):
    return sorted(
        PlanEntry.objects.filter(season=season).values_list(
            "pk", "round", "kindergarten_id", "craft_id", "craftsman_id", "planned_sessions"
        )
    )


def _generate(client, season, **extra):
    return client.post(
        reverse("heritage:plan_generate"),
        {"season": season.pk, "sessions_per_round": 10, **extra},
    )


def test_the_plan_page_offers_the_season_choice_and_the_preview(client, site_tree):
    _crafts, _kgs, started, ahead, manager = _plan(site_tree, 3)
    client.force_login(manager)
    page = client.get(reverse("heritage:plan")).content.decode()
    assert reverse("heritage:plan_generate") in page
    assert f'<option value="{ahead.pk}" selected>' in page and "下一季" in page


def test_the_preview_shows_the_changes_and_saves_nothing(client, site_tree):
    _crafts, kgs, started, ahead, manager = _plan(site_tree, 3)
    before = (PlanEntry.objects.count(), _rows(started), _rows(ahead))
    client.force_login(manager)
    response = _generate(client, ahead)
    page = response.content.decode()
    assert response.status_code == 200
    # Nine entries added (three rounds × three kindergartens), planned 0 → 90.
    assert "9" in page and "0 → 90" in page
    assert all(kg.short_name in page for kg in kgs)
    assert 'name="confirm" value="yes"' in page
    assert (PlanEntry.objects.count(), _rows(started), _rows(ahead)) == before


def test_confirming_saves_exactly_the_preview_for_that_season_only(client, site_tree):
    _crafts, _kgs, started, ahead, manager = _plan(site_tree, 3)
    client.force_login(manager)
    preview = _generate(client, ahead)
    digest = preview.context["preview"].digest
    previewed = sorted(
        (e.round, e.kindergarten_id, e.craft_id, e.craftsman_id, e.planned_sessions)
        for e in preview.context["preview"].entries
    )
    started_rows = _rows(started)
    response = _generate(client, ahead, digest=digest, confirm="yes")
    assert response.status_code == 302
    saved = sorted(
        PlanEntry.objects.filter(season=ahead).values_list(
            "round", "kindergarten_id", "craft_id", "craftsman_id", "planned_sessions"
        )
    )
    assert saved == previewed and len(saved) == 9
    assert _rows(started) == started_rows
    assert PlanEntry.objects.count() == len(started_rows) + 9
    entry = ModelLogEntry.objects.get(action="heritage.plan.generate")
    assert entry.data["added"] == 9 and entry.data["planned_after"] == 90
    follow = client.get(response["Location"]).content.decode()
    assert "下一季" in follow

    # A second preview of the same season now changes nothing; a changed count is shown.
    again = _generate(client, ahead).context["preview"]
    assert (len(again.added), len(again.changed), len(again.removed)) == (0, 0, 0)
    recount = client.post(
        reverse("heritage:plan_generate"), {"season": ahead.pk, "sessions_per_round": 8}
    )
    assert len(recount.context["preview"].changed) == 9
    assert "10 → 8" in recount.content.decode()


def test_a_stale_preview_is_not_saved(client, site_tree):
    _crafts, _kgs, _started, ahead, manager = _plan(site_tree, 3)
    client.force_login(manager)
    digest = _generate(client, ahead).context["preview"].digest
    KindergartenFactory(name="新幼儿园", short_name="新园")  # the data behind the plan changed
    before = PlanEntry.objects.count()
    response = _generate(client, ahead, digest=digest, confirm="yes")
    assert response.status_code == 400
    assert PlanEntry.objects.count() == before


def test_a_started_season_is_refused_and_unchanged(client, site_tree):
    _crafts, _kgs, started, _ahead, manager = _plan(site_tree, 3)
    rows = _rows(started)
    client.force_login(manager)
    for extra in ({}, {"confirm": "yes", "digest": "x"}):
        response = _generate(client, started, **extra)
        assert response.status_code == 400
        assert started.starts_on.isoformat() in response.content.decode()
        assert _rows(started) == rows


def test_a_double_booked_craftsman_is_refused_by_name_and_slot(client, site_tree):
    crafts, kgs, _started, ahead, manager = _plan(site_tree, 3, shared_craftsman=True)
    client.force_login(manager)
    before = PlanEntry.objects.count()
    for extra in ({}, {"confirm": "yes", "digest": "x"}):
        response = _generate(client, ahead, **extra)
        page = response.content.decode()
        assert response.status_code == 400
        assert "共用师傅" in page and "下一季" in page
        assert ahead.starts_on.isoformat() in page
        assert crafts[0].title in page and crafts[1].title in page
        assert PlanEntry.objects.count() == before


def test_only_managers_generate(client, site_tree):
    _crafts, _kgs, _started, ahead, _manager = _plan(site_tree, 3)
    client.force_login(UserFactory(role="teacher"))
    assert _generate(client, ahead).status_code == 403


@pytest.mark.parametrize("size", [3, 6])
def test_the_preview_and_plan_pages_keep_their_query_counts(
    client, site_tree, size, django_assert_max_num_queries
):
    _crafts, _kgs, started, ahead, manager = _plan(site_tree, size)
    client.force_login(manager)
    with django_assert_max_num_queries(23):
        assert _generate(client, ahead).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("heritage:plan") + f"?season={ahead.pk}").status_code == 200
