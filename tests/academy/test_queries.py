"""Query counts do not grow with the data: dashboard, manager view, pairing page, saving."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from academy.models import EntryCompetency, LogEntry, Pairing, SkillTag
from tests.factories import UserFactory
from tests.factories.academy import PairingFactory

pytestmark = pytest.mark.django_db


def _grow(mentor, pairings, entries):
    """``pairings`` pairings of ``mentor`` with ``entries`` entries each (bulk)."""
    tag, _ = Tag.objects.get_or_create(name="排料")
    today = timezone.localdate()
    made = [
        PairingFactory(
            mentor=mentor, start=today - datetime.timedelta(days=entries + 10), competencies=2
        )
        for _ in range(pairings)
    ]
    rows = LogEntry.objects.bulk_create(
        LogEntry(pairing=p, date=today - datetime.timedelta(days=n), hours=Decimal("2"))
        for p in made
        for n in range(entries)
    )
    SkillTag.objects.bulk_create(SkillTag(content_object=e, tag=tag) for e in rows)
    competency_of = {p.pk: p.competencies.first() for p in made}
    EntryCompetency.objects.bulk_create(
        EntryCompetency(entry=e, competency=competency_of[e.pairing_id], rating=2) for e in rows
    )
    return made


def _count(client, url):
    client.get(url)  # warm up: the session and the user's roles
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_mentor_dashboard_and_manager_view_are_constant(client):
    mentor = UserFactory(username="busy-mentor", role="mentor")
    manager = UserFactory(username="m", role="manager")
    _grow(mentor, 2, 3)
    client.force_login(mentor)
    small_dashboard = _count(client, reverse("academy:dashboard"))
    client.force_login(manager)
    small_manager = _count(client, reverse("academy:manager_pairings"))

    _grow(mentor, 48, 200)  # 50 pairings of 200 entries (and more), as in the issue
    client.force_login(mentor)
    assert _count(client, reverse("academy:dashboard")) == small_dashboard
    client.force_login(manager)
    assert _count(client, reverse("academy:manager_pairings")) == small_manager


def test_pairing_page_is_constant(client):
    mentor = UserFactory(username="mentor-x", role="mentor")
    small, large = _grow(mentor, 1, 3)[0], _grow(mentor, 1, 150)[0]
    client.force_login(mentor)
    assert _count(client, small.get_absolute_url()) == _count(client, large.get_absolute_url())


def test_totals_come_from_the_database(django_assert_max_num_queries):
    mentor = UserFactory(username="mentor-y", role="mentor")
    _grow(mentor, 5, 20)
    with django_assert_max_num_queries(1):
        rows = list(Pairing.objects.filter(mentor=mentor).with_totals())
    assert {p.hours_logged for p in rows} == {Decimal("40")}
    assert {p.entry_count for p in rows} == {20}
    assert {p.competencies_total for p in rows} == {2}


def test_saving_an_entry_is_bounded(client, django_assert_max_num_queries):
    mentor = UserFactory(username="mentor-z", role="mentor")
    pairing = PairingFactory(mentor=mentor, competencies=6)
    client.force_login(mentor)
    data = {
        "date": timezone.localdate().isoformat(),
        "hours": "2",
        "skills": "排料, 裁剪, 推版",
        **{f"competency_{c.pk}": "2" for c in pairing.competencies.all()},
    }
    Tag.objects.get_or_create(name="排料")
    with django_assert_max_num_queries(30):
        response = client.post(reverse("academy:entry_create", args=[pairing.pk]), data)
    assert response.status_code == 302
    assert EntryCompetency.objects.count() == 6


def test_a_completed_pairing_page_costs_what_an_active_one_does(client):
    from core.certificates import issue_certificate
    from core.models import Certificate

    mentor = UserFactory(username="mentor-c", role="mentor")
    active, completed = _grow(mentor, 2, 5)
    certificate = issue_certificate(
        source=completed,
        kind=Certificate.Kind.APPRENTICESHIP,
        recipient_name="徒弟",
        title="出师",
        details="",
    )
    Pairing.objects.filter(pk=completed.pk).update(
        status=Pairing.Status.COMPLETED, certificate=certificate
    )
    client.force_login(mentor)
    assert _count(client, completed.get_absolute_url()) == _count(client, active.get_absolute_url())


def test_editing_an_entry_is_bounded(client, django_assert_max_num_queries):
    mentor = UserFactory(username="mentor-e", role="mentor")
    pairing = _grow(mentor, 1, 1)[0]
    entry = pairing.entries.get()
    client.force_login(mentor)
    competency = pairing.competencies.first()
    url = reverse("academy:entry_edit", args=[entry.pk])
    data = {"date": entry.date.isoformat(), "hours": "4", f"competency_{competency.pk}": "3"}
    client.get(url)
    with django_assert_max_num_queries(30):
        response = client.post(url, data)
    assert response.status_code == 302
    assert entry.ratings.get().rating == 3
