"""Cancelling a session whose roll is taken: a warning with the number of marks first, and
once cancelled its marks leave the attendance rates of the report pages and downloads."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from heritage.models import Attendance, RollCall, Session
from tests.factories.heritage import SessionFactory, at

pytestmark = pytest.mark.django_db


def _mark(session, statuses, children):
    RollCall.objects.create(session=session, recorded_by=session.teacher)
    Attendance.objects.bulk_create(
        [
            Attendance(session=session, child=child, status=status)
            for child, status in zip(children, statuses, strict=True)
        ]
    )


def _overall(client):
    page = client.get(reverse("heritage:reports")).content.decode()
    return re.search(r"data-overall-rate>([0-9.]+)%", page).group(1)


@pytest.fixture
def marked(world):
    """Today's session all present, yesterday's all absent: 50% until one is cancelled."""
    _mark(world.session, ["present"] * 5, world.children)
    yesterday = SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group,
        teacher=world.teacher,
        starts_at=at(timezone.localdate() - datetime.timedelta(days=1), 9),
        season=world.season,
    )
    _mark(yesterday, ["absent"] * 5, world.children)
    world.yesterday = yesterday
    return world


def test_cancelling_asks_first_when_marks_exist(client, marked):
    client.force_login(marked.teacher)
    cancel = reverse("heritage:session_cancel", args=[marked.yesterday.pk])
    page = client.get(cancel).content.decode()
    assert "5" in page and 'name="marks_leave_rates"' in page
    response = client.post(cancel, {"reason": "停电"})
    assert response.status_code == 400
    assert 'name="marks_leave_rates"' in response.content.decode()
    marked.yesterday.refresh_from_db()
    assert not marked.yesterday.is_cancelled


def test_a_session_without_marks_cancels_without_the_extra_step(client, marked):
    empty = SessionFactory(
        lesson=marked.lesson,
        class_group=marked.class_group,
        teacher=marked.teacher,
        starts_at=at(timezone.localdate() + datetime.timedelta(days=3), 9),
    )
    client.force_login(marked.teacher)
    cancel = reverse("heritage:session_cancel", args=[empty.pk])
    assert 'name="marks_leave_rates"' not in client.get(cancel).content.decode()
    assert client.post(cancel, {"reason": "停电"}).status_code == 302
    empty.refresh_from_db()
    assert empty.is_cancelled


def test_after_cancelling_the_report_no_longer_counts_the_session(client, marked):
    client.force_login(marked.teacher)
    assert _overall(client) == "50.0"
    cancel = reverse("heritage:session_cancel", args=[marked.yesterday.pk])
    response = client.post(cancel, {"reason": "停电", "marks_leave_rates": "on"})
    assert response.status_code == 302
    assert Session.objects.get(pk=marked.yesterday.pk).is_cancelled
    # The marks stay stored, but the rates shown and downloaded leave them out.
    assert Attendance.objects.filter(session=marked.yesterday).count() == 5
    assert _overall(client) == "100.0"
    rows = b"".join(
        client.get(reverse("heritage:reports_export", args=["csv"])).streaming_content
    ).decode("utf-8-sig")
    assert len(rows.strip().splitlines()) == 1 + 5
    by_child = client.get(reverse("heritage:reports") + "?by=child").content.decode()
    assert set(re.findall(r"<td>([0-9.]+)%</td>", by_child)) == {"100.0"}
    entry = ModelLogEntry.objects.get(action="heritage.session.cancel")
    assert entry.data == {"reason": "停电", "marks": 5}


@pytest.mark.parametrize("extra", [0, 8])
def test_the_cancel_and_report_pages_keep_their_query_counts(
    client, marked, extra, django_assert_max_num_queries
):
    for i in range(extra):
        session = SessionFactory(
            lesson=marked.lesson,
            class_group=marked.class_group,
            teacher=marked.teacher,
            starts_at=at(timezone.localdate() - datetime.timedelta(days=i + 2), 9),
            season=marked.season,
        )
        _mark(session, ["present"] * 5, marked.children)
        if i % 2:
            session.status = Session.Status.CANCELLED
            session.save()
    client.force_login(marked.teacher)
    cancel = reverse("heritage:session_cancel", args=[marked.yesterday.pk])
    with django_assert_max_num_queries(16):
        assert client.get(cancel).status_code == 200
    with django_assert_max_num_queries(22):
        assert client.get(reverse("heritage:reports") + "?by=child").status_code == 200
