"""The manager's overview across trades and studios, computed in the database."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from academy.models import Pairing, StudioIndexPage, StudioPage
from academy.services.overview import overview
from tests.factories import UserFactory
from tests.factories.academy import LogEntryFactory, PairingFactory, TradeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def studio(site_tree):
    academy = site_tree.sections["academy.AcademyPage"]
    index = academy.add_child(instance=StudioIndexPage(title="创新工作室", slug="studios-x"))
    return index.add_child(
        instance=StudioPage(
            title="陈梅服装工作室", slug="chen", level="district", year_recognised=2023
        )
    )


def _today():
    return timezone.localdate()


def _populate(trade, studio, scale=1):
    """Per unit of ``scale``: an active pairing with 3 hours this month, a stale one, one
    completed this year, one completed last year and one on break."""
    today = _today()
    for _ in range(scale):
        busy = PairingFactory(trade=trade, studio=studio)
        LogEntryFactory(pairing=busy, date=today, hours=Decimal("3"))
        LogEntryFactory(pairing=busy, date=today.replace(day=1) - datetime.timedelta(days=1))
        PairingFactory(trade=trade)  # started 60 days ago, nothing logged: stale
        PairingFactory(
            trade=trade, status=Pairing.Status.COMPLETED, completed_on=today.replace(month=1, day=1)
        )
        PairingFactory(
            trade=trade,
            status=Pairing.Status.COMPLETED,
            completed_on=today.replace(year=today.year - 1),
        )
        PairingFactory(trade=trade, status=Pairing.Status.ON_BREAK, break_reason="生产旺季")


def test_figures_by_trade_and_studio(studio):
    tailoring, carving = TradeFactory(name="服装制版"), TradeFactory(name="木雕")
    _populate(tailoring, studio)
    PairingFactory(trade=carving, start=_today())  # new: active, not stale
    figures = overview()
    lines = {line.name: line for line in figures.trades}
    assert (lines["服装制版"].active, lines["服装制版"].stale) == (2, 1)
    assert lines["服装制版"].hours_this_month == Decimal("3")
    assert lines["服装制版"].completed_this_year == 1
    wood = lines["木雕"]
    assert (wood.active, wood.stale, wood.completed_this_year) == (1, 0, 0)
    studios = {line.key: line for line in figures.studios}
    assert studios[studio.pk].name == "陈梅服装工作室"
    assert (studios[studio.pk].active, studios[studio.pk].hours_this_month) == (1, Decimal("3"))
    assert studios[None].active == 2 and studios[None].stale == 1  # pairings with no studio
    assert (figures.total.active, figures.total.stale) == (3, 1)


def test_the_page_shows_the_overview_to_managers_only(client, manager, studio):
    _populate(TradeFactory(name="服装制版"), studio)
    workspace_link = reverse("academy:pairing_overview")
    client.force_login(manager)
    assert workspace_link in client.get(reverse("core:workspace")).content.decode()
    assert workspace_link in client.get(reverse("academy:manager_pairings")).content.decode()
    page = client.get(workspace_link)
    assert page.status_code == 200
    html = page.content.decode()
    assert "服装制版" in html and "陈梅服装工作室" in html and "未归属工作室" in html
    client.force_login(UserFactory(role="mentor"))
    assert client.get(workspace_link).status_code == 403


def test_the_query_count_stays_the_same_as_data_grows(client, manager, studio):
    client.force_login(manager)
    url = reverse("academy:pairing_overview")
    trade = TradeFactory(name="服装制版")
    _populate(trade, studio)
    client.get(url)  # the session and the shell once
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    second = studio.get_parent().add_child(
        instance=StudioPage(title="木雕工作室", slug="wood", level="district", year_recognised=2024)
    )
    for n in range(4):
        _populate(TradeFactory(name=f"工种{n}"), second, scale=3)
    client.get(url)  # the shell again: a new page changed the cached menus
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)
    assert "木雕工作室" in page.content.decode()
    assert len(large) == len(small), "\n".join(q["sql"][:150] for q in large.captured_queries)
    assert len(small) <= 15
