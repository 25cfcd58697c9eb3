"""Changing or cancelling a series from one session on ("this and following") or as a whole,
with a reason: sessions already held and sessions with a roll call are kept, and said so."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from heritage.models import RollCall, Session, SessionSeries
from tests.factories.heritage import SessionFactory, at

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


@pytest.fixture
def weekly(world):
    """A weekly series: one session last week, four to come; the third has its roll taken."""
    today = timezone.localdate()
    series = SessionSeries.objects.create(
        weekdays=str(today.weekday()),
        starts_on=today - 7 * DAY,
        until=today + 28 * DAY,
        created_by=world.teacher,
    )
    sessions = [
        SessionFactory(
            lesson=world.lesson,
            class_group=world.class_group,
            teacher=world.teacher,
            starts_at=at(today + weeks * 7 * DAY, 14),
            series=series,
        )
        for weeks in (-1, 1, 2, 3, 4)
    ]
    RollCall.objects.create(session=sessions[2], recorded_by=world.teacher)
    world.series = sessions
    return world


def _statuses(sessions):
    return [Session.objects.get(pk=s.pk).status for s in sessions]


def test_cancel_this_and_following_keeps_held_and_roll_called_sessions(client, weekly):
    past, first, marked, later, last = weekly.series
    client.force_login(weekly.teacher)
    url = en("heritage:session_cancel", first.pk)
    page = client.get(url).content.decode()
    assert "This and the following sessions" in page and "The whole series" in page
    assert f'data-kept="{marked.pk}"' in page and "the roll call is taken" in page
    response = client.post(url, {"scope": "following", "reason": "场馆维修"}, follow=True)
    assert response.status_code == 200
    assert _statuses(weekly.series) == [
        "scheduled",
        "cancelled",
        "scheduled",
        "cancelled",
        "cancelled",
    ]
    html = response.content.decode()
    assert "3 sessions are cancelled" in html and "the roll call is taken" in html
    for session in (first, later, last):
        assert Session.objects.get(pk=session.pk).change_reason == "场馆维修"
        entry = ModelLogEntry.objects.get(action="heritage.session.cancel", object_id=session.pk)
        assert entry.data["reason"] == "场馆维修" and entry.data["scope"] == "following"
    assert not ModelLogEntry.objects.filter(object_id__in=[past.pk, marked.pk]).exists()


def test_cancel_from_a_later_session_leaves_the_earlier_ones(client, weekly):
    client.force_login(weekly.teacher)
    later = weekly.series[3]
    response = client.post(
        en("heritage:session_cancel", later.pk), {"scope": "following", "reason": "停课"}
    )
    assert response.status_code == 302
    assert _statuses(weekly.series) == [
        "scheduled",
        "scheduled",
        "scheduled",
        "cancelled",
        "cancelled",
    ]


def test_a_missing_reason_is_refused_and_nothing_changes(client, weekly):
    client.force_login(weekly.teacher)
    first = weekly.series[1]
    response = client.post(en("heritage:session_cancel", first.pk), {"scope": "following"})
    assert response.status_code == 400
    assert "Give a reason for the cancellation." in response.content.decode()
    moved = client.post(
        en("heritage:session_move", first.pk),
        {
            "day": (timezone.localdate() + 8 * DAY).isoformat(),
            "start_time": "15:00",
            "end_time": "15:40",
            "place": "美工室",
            "scope": "following",
            "reason": "  ",
        },
    )
    assert moved.status_code == 400
    assert "Give a reason for the change." in moved.content.decode()
    assert set(_statuses(weekly.series)) == {"scheduled"}
    assert {
        timezone.localtime(s.starts_at).hour for s in Session.objects.filter(series__isnull=False)
    } == {14}
    assert not ModelLogEntry.objects.filter(action__startswith="heritage.session.").exists()


def test_a_teacher_of_another_kindergarten_changes_nothing(client, weekly):
    client.force_login(weekly.teacher2)
    first = weekly.series[1]
    cancel = client.post(
        en("heritage:session_cancel", first.pk), {"scope": "series", "reason": "不该"}
    )
    assert cancel.status_code in (403, 404)
    move = client.post(
        en("heritage:session_move", first.pk),
        {
            "day": (timezone.localdate() + 8 * DAY).isoformat(),
            "start_time": "15:00",
            "end_time": "15:40",
            "place": "美工室",
            "scope": "series",
            "reason": "不该",
        },
    )
    assert move.status_code in (403, 404)
    assert set(_statuses(weekly.series)) == {"scheduled"}
    assert not ModelLogEntry.objects.filter(action__startswith="heritage.session.").exists()


def test_move_this_and_following_shifts_the_future_sessions(client, weekly):
    past, first, marked, later, last = weekly.series
    client.force_login(weekly.teacher)
    new_day = timezone.localdate(first.starts_at) + DAY
    response = client.post(
        en("heritage:session_move", first.pk),
        {
            "day": new_day.isoformat(),
            "start_time": "15:00",
            "end_time": "15:40",
            "place": "美工室",
            "scope": "following",
            "reason": "匠人改到次日",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "3 sessions are changed" in response.content.decode()
    for session, shifted in ((first, True), (later, True), (last, True), (marked, False)):
        before = timezone.localtime(session.starts_at)
        after = timezone.localtime(Session.objects.get(pk=session.pk).starts_at)
        if shifted:
            assert after.date() == before.date() + DAY and after.hour == 15
            assert Session.objects.get(pk=session.pk).place == "美工室"
        else:
            assert after == before
    assert timezone.localtime(Session.objects.get(pk=past.pk).starts_at).hour == 14
    entries = ModelLogEntry.objects.filter(action="heritage.session.move")
    assert sorted(int(e.object_id) for e in entries) == sorted([first.pk, later.pk, last.pk])
    assert {e.data["reason"] for e in entries} == {"匠人改到次日"}


def test_the_whole_series_is_cancelled_from_any_session(client, weekly):
    client.force_login(weekly.teacher)
    response = client.post(
        en("heritage:session_cancel", weekly.series[3].pk), {"scope": "series", "reason": "停办"}
    )
    assert response.status_code == 302
    assert _statuses(weekly.series) == [
        "scheduled",
        "cancelled",
        "scheduled",
        "cancelled",
        "cancelled",
    ]


def test_only_this_session_with_a_roll_call_still_asks_first(client, weekly):
    marked = weekly.series[2]
    marked.attendance.create(child=weekly.children[0], status="present")
    client.force_login(weekly.teacher)
    url = en("heritage:session_cancel", marked.pk)
    response = client.post(url, {"scope": "this", "reason": "停电"})
    assert response.status_code == 400
    assert "confirm that its marks leave the attendance rates" in response.content.decode()
    assert Session.objects.get(pk=marked.pk).status == "scheduled"
    confirmed = client.post(url, {"scope": "this", "reason": "停电", "marks_leave_rates": "on"})
    assert confirmed.status_code == 302
    assert _statuses(weekly.series)[1:4] == ["scheduled", "cancelled", "scheduled"]


def test_the_following_sessions_can_change_lesson(client, weekly):
    from heritage.models import AgeBand
    from tests.factories.heritage import make_lesson

    second = make_lesson(weekly.craft, title="扎染方巾", slug="second-lesson")
    small = make_lesson(weekly.craft, title="扎染小手帕", age_band=AgeBand.SMALL, slug="small-one")
    past, first, marked, later, last = weekly.series
    client.force_login(weekly.teacher)
    data = {
        "day": timezone.localdate(later.starts_at).isoformat(),
        "start_time": "14:00",
        "end_time": "14:40",
        "place": later.place,
        "scope": "following",
        "reason": "换课",
    }
    url = en("heritage:session_move", later.pk)
    refused = client.post(url, {**data, "lesson": small.pk})
    assert refused.status_code == 400
    assert client.post(url, {**data, "lesson": second.pk}).status_code == 302
    titles = [Session.objects.get(pk=s.pk).lesson.title for s in weekly.series]
    assert titles == ["扎染初体验", "扎染初体验", "扎染初体验", "扎染方巾", "扎染方巾"]


def test_the_choices_read_in_chinese(client, weekly):
    client.force_login(weekly.teacher)
    page = client.get(reverse("heritage:session_move", args=[weekly.series[1].pk]))
    html = page.content.decode()
    assert "本节及以后各节" in html and "整个系列" in html and "已点名" in html
