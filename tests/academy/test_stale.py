import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from academy.models import Pairing
from academy.tasks import flag_stale_pairings
from tests.factories.academy import LogEntryFactory, PairingFactory

pytestmark = pytest.mark.django_db


def test_stale_pairings_are_flagged_and_emailed_once(client, pairing, manager):
    today = timezone.localdate()
    Pairing.objects.filter(pk=pairing.pk).update(start=today - datetime.timedelta(days=90))
    LogEntryFactory(pairing=pairing, date=today - datetime.timedelta(days=31))
    fresh = PairingFactory(start=today - datetime.timedelta(days=90))
    LogEntryFactory(pairing=fresh, date=today - datetime.timedelta(days=3))
    new = PairingFactory(start=today - datetime.timedelta(days=10))  # too young to be stale
    on_break = PairingFactory(
        start=today - datetime.timedelta(days=90), status="on_break", break_reason="病假"
    )

    assert flag_stale_pairings.delay().get() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([pairing.mentor.email, manager.email])
    assert "30天" in message.subject
    assert pairing.apprentice.first_name in message.body
    pairing.refresh_from_db()
    assert pairing.stale_flagged_on == today
    for other in (fresh, new, on_break):
        other.refresh_from_db()
        assert other.stale_flagged_on is None

    assert flag_stale_pairings() == 0  # not emailed again the next day
    assert len(mail.outbox) == 1

    # A new entry clears the flag.
    client.force_login(pairing.mentor)
    client.post(
        reverse("academy:entry_create", args=[pairing.pk]),
        {"date": today.isoformat(), "hours": "2"},
    )
    pairing.refresh_from_db()
    assert pairing.stale_flagged_on is None


def test_stale_badge_on_the_dashboard(client, pairing):
    Pairing.objects.filter(pk=pairing.pk).update(
        start=timezone.localdate() - datetime.timedelta(days=90)
    )
    client.force_login(pairing.mentor)
    html = client.get(reverse("academy:dashboard")).content.decode()
    assert "pairing-card--stale" in html
    assert "90天无记录" in html  # no entry since the pairing started, 90 days ago
