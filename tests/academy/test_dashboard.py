"""The mentor's and apprentice's dashboard: per pairing, the hours bar and flags at a glance."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from academy.models import EntryCompetency, Pairing
from tests.factories.academy import LogEntryFactory, PairingFactory

pytestmark = pytest.mark.django_db


def _card(html, name):
    """The HTML of the dashboard card whose title names ``name``."""
    for card in html.split('<li class="pairing-card')[1:]:
        if name in card.split("</a>", 1)[0]:
            return card
    raise AssertionError(f"no card for {name}")


def test_each_card_has_its_bar_and_flags(client, pairing):
    mentor = pairing.mentor
    today = timezone.localdate()
    # Stale: started 90 days ago, no entry since.
    stale = PairingFactory(mentor=mentor, start=today - datetime.timedelta(days=90))
    # Ready: 10 of 10 hours, its one competency reached, two entries still to confirm.
    ready = PairingFactory(mentor=mentor, competencies=1)
    for _ in range(2):
        entry = LogEntryFactory(pairing=ready, hours=Decimal("5"), confirmed_at=timezone.now())
        LogEntryFactory(pairing=ready, hours=Decimal("1"))  # waiting: does not count
    EntryCompetency.objects.create(entry=entry, competency=ready.competencies.get(), rating=3)
    # Overdue and on break.
    late = PairingFactory(
        mentor=mentor,
        start=today - datetime.timedelta(days=400),
        planned_end=today - datetime.timedelta(days=5),
        status=Pairing.Status.ON_BREAK,
        break_reason="工伤休养",
    )
    # Fresh: a confirmed entry yesterday.
    LogEntryFactory(pairing=pairing, confirmed_at=timezone.now())
    client.force_login(mentor)
    response = client.get(reverse("academy:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()

    card = _card(html, stale.apprentice_name)
    assert "pairing-card--stale" in html.split(stale.apprentice_name)[0].rsplit("<li", 1)[1]
    assert "90天无记录" in card and 'aria-valuenow="0"' in card

    card = _card(html, ready.apprentice_name)
    assert 'aria-valuenow="100"' in card and "12 / 10学时（100%）" in card
    assert "已达标，可确认出师" in card
    assert "2条待确认" in card and f"{ready.get_absolute_url()}?show=open" in card
    assert "无记录" not in card

    card = _card(html, late.apprentice_name)
    assert "已超过计划结束日期" in card and "暂停：工伤休养" in card
    assert reverse("academy:entry_create", args=[late.pk]) in card  # a break still logs

    card = _card(html, pairing.apprentice_name)
    assert "进行中" in card  # the status, in the academy's words
    assert "flag--" not in card  # a pairing in good order has no flag


def test_the_apprentice_goes_straight_to_the_entries_to_confirm(client, pairing):
    open_entry = LogEntryFactory(pairing=pairing)
    done = LogEntryFactory(pairing=pairing, confirmed_at=timezone.now(), notes="已确认的那次")
    client.force_login(pairing.apprentice)
    html = client.get(reverse("academy:dashboard")).content.decode()
    assert "确认记录" in html and "?show=open" in html
    assert reverse("academy:entry_create", args=[pairing.pk]) not in html

    page = client.get(pairing.get_absolute_url() + "?show=open")
    entries = list(page.context["entries"])
    assert entries == [open_entry]
    assert done.get_absolute_url() not in page.content.decode()
    assert page.context["show"] == "open"

    LogEntryFactory._meta.model.objects.filter(pk=open_entry.pk).update(confirmed_at=timezone.now())
    page = client.get(pairing.get_absolute_url() + "?show=open")
    assert "所有记录均已确认" in page.content.decode()


def test_a_user_with_no_pairing_sees_how_to_get_one(client, user_factory):
    mentor = user_factory(role="mentor")
    client.force_login(mentor)
    html = client.get(reverse("academy:dashboard")).content.decode()
    assert "你还没有师徒结对，由学院管理员设置。" in html
