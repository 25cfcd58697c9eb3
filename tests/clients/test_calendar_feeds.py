"""The iCalendar feeds as Apple Calendar, Google Calendar, Outlook and Thunderbird read them.

Each feed is parsed with the ``icalendar`` package and checked property by property against
RFC 5545 (and the RFC 7986 / X- properties those apps use); the raw text is checked for what
a parser forgives but strict clients do not (CRLF, 75-octet folding, UTC DTSTAMP).
"""

import datetime
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from academy.models import ActivityPage, TrackPage
from core.holidays import calendar_between
from heritage.models import FeedToken, Session
from tests.factories.heritage import SessionFactory, at

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


# ------------------------------------------------------------------ helpers


def raw_lines(body):
    assert body.endswith(b"\r\n"), "content lines end with CRLF"
    lines = body.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines), "bare LF inside"
    return lines


def check_calendar(response, *, calname_contains):
    """Everything a subscribing app needs from a feed; returns (calendar, events)."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["ETag"].startswith('"') and response["Last-Modified"]
    body = response.content
    lines = raw_lines(body)
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
    too_long = [line for line in lines if len(line) > 75]
    assert not too_long, f"lines longer than 75 octets: {too_long[:2]}"
    body.decode("utf-8")  # folding never splits a UTF-8 character
    calendar = Calendar.from_ical(body)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]).startswith("-//")
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert calname_contains in str(calendar["X-WR-CALNAME"])
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert calendar.decoded("REFRESH-INTERVAL") == datetime.timedelta(hours=1)
    assert b"X-PUBLISHED-TTL:PT1H" in lines and b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
    events = calendar.walk("VEVENT")
    uses_tzid = b"TZID=Asia/Shanghai" in body
    timezones = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    if uses_tzid:
        assert timezones == {"Asia/Shanghai"}, "TZID used without its VTIMEZONE"
        vtimezone = calendar.walk("VTIMEZONE")[0]
        assert vtimezone.walk("STANDARD"), "VTIMEZONE without an observance"
    for event in events:
        for name in (
            "UID",
            "DTSTAMP",
            "DTSTART",
            "DTEND",
            "SUMMARY",
            "LOCATION",
            "DESCRIPTION",
            "SEQUENCE",
            "STATUS",
            "LAST-MODIFIED",
        ):
            assert name in event, f"{name} missing in {event.get('UID')}"
        assert event.decoded("DTSTAMP").utcoffset() == datetime.timedelta(0)
        assert event.decoded("LAST-MODIFIED").utcoffset() == datetime.timedelta(0)
        assert event.decoded("DTEND") > event.decoded("DTSTART")
        assert event.decoded("DTSTART").tzinfo is not None  # never floating time
        assert isinstance(event.decoded("SEQUENCE"), int) and event.decoded("SEQUENCE") >= 0
        assert str(event["STATUS"]) in {"CONFIRMED", "CANCELLED", "TENTATIVE"}
    in_event = False
    for line in lines:
        in_event = (in_event or line == b"BEGIN:VEVENT") and line != b"END:VEVENT"
        if not in_event:
            continue
        if line.startswith((b"DTSTAMP", b"LAST-MODIFIED")):
            assert line.endswith(b"Z"), line
        if line.startswith((b"DTSTART", b"DTEND")):
            assert line.endswith(b"Z") or b";TZID=Asia/Shanghai:" in line, line
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids)), "duplicate UIDs"
    return calendar, events


def feed_urls(client, user):
    client.force_login(user)
    response = client.get(reverse("heritage:feeds"))
    assert response.status_code == 200
    html = response.content.decode()
    urls = {}
    for item in response.context["items"]:
        urls[item["feed"].kind] = item["url"]
        assert item["url"].startswith("http://testserver/")
        webcal = "webcal://" + item["url"].removeprefix("http://")
        assert f'href="{webcal}"' in html, "webcal:// subscribe link beside the address"
        assert f'value="{item["url"]}"' in html, "the https address to copy"
    client.logout()  # calendar apps do not log in
    return urls


def event_by_uid(events, uid):
    return next(e for e in events if str(e["UID"]) == uid)


def next_class_day(after):
    day = after + datetime.timedelta(days=1)
    calendar = calendar_between(day, day + datetime.timedelta(days=30))
    while not calendar.is_class_day(day):
        day += datetime.timedelta(days=1)
    return day


# ------------------------------------------------------------------ heritage feeds


def test_every_private_feed_is_a_valid_subscribable_calendar(client, world):
    SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group,
        teacher=world.teacher,
        starts_at=at(timezone.localdate() + datetime.timedelta(days=2), 14),
        status=Session.Status.CANCELLED,
        change_reason='下雨, 改期; 见 "通知"',
    )
    urls = feed_urls(client, world.teacher) | feed_urls(client, world.craftsman)
    assert set(urls) == {"teacher", "kindergarten", "craftsman"}
    for kind, url in urls.items():
        response = client.get(url)
        calendar, events = check_calendar(response, calname_contains="非遗小匠人")
        assert len(events) == 2, kind
        assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
        assert response["Content-Disposition"].startswith("inline")
    calendar, events = check_calendar(client.get(urls["teacher"]), calname_contains="沈老师")
    event = next(e for e in events if str(e["UID"]).startswith(f"session-{world.session.uid}@"))
    start = event.decoded("DTSTART")
    assert start == world.session.starts_at
    assert start.astimezone(SHANGHAI).hour == 9
    assert event.decoded("DTEND") == world.session.ends_at
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "桃源幼儿园" in str(event["LOCATION"]) and "扎染初体验" in str(event["DESCRIPTION"])
    cancelled = next(e for e in events if e is not event)
    assert str(cancelled["STATUS"]) == "CANCELLED"
    # Commas, semicolons and quotes survive the escaping round trip.
    assert '下雨, 改期; 见 "通知"' in str(cancelled["DESCRIPTION"])
    _, kg_events = check_calendar(client.get(urls["kindergarten"]), calname_contains="桃源幼儿园")
    assert {str(e["UID"]) for e in kg_events} == {str(e["UID"]) for e in events}


def test_uid_is_stable_across_requests_hosts_and_languages(client, world):
    url = feed_urls(client, world.teacher)["teacher"]
    path = url.removeprefix("http://testserver")
    first = Calendar.from_ical(client.get(path).content).walk("VEVENT")
    again = Calendar.from_ical(client.get(path).content).walk("VEVENT")
    other_host = Calendar.from_ical(client.get(path, HTTP_HOST="192.0.2.7:8080").content)
    english = Calendar.from_ical(client.get("/en" + path).content).walk("VEVENT")
    uids = [str(e["UID"]) for e in first]
    assert uids == [str(e["UID"]) for e in again]
    assert uids == [str(e["UID"]) for e in other_host.walk("VEVENT")]
    assert uids == [str(e["UID"]) for e in english]
    # Globally unique: the session's UUID at the site's own domain, not the request's host.
    assert uids == [f"session-{world.session.uid}@testserver"]


def test_a_moved_session_keeps_its_uid_and_raises_sequence(client, world):
    url = feed_urls(client, world.teacher)["teacher"]
    uid = f"session-{world.session.uid}@testserver"
    before = client.get(url)
    old = event_by_uid(Calendar.from_ical(before.content).walk("VEVENT"), uid)
    assert old.decoded("SEQUENCE") == 0
    day = next_class_day(timezone.localdate() + datetime.timedelta(days=3))
    client.force_login(world.teacher)
    response = client.post(
        reverse("heritage:session_move", args=[world.session.pk]),
        {
            "day": day.isoformat(),
            "start_time": "14:30",
            "end_time": "15:10",
            "place": "美工室",
            "reason": "园内活动",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    client.logout()
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200, "a changed feed is not 'Not Modified'"
    assert after["ETag"] != before["ETag"]
    _, events = check_calendar(after, calname_contains="沈老师")
    moved = event_by_uid(events, uid)
    assert moved.decoded("SEQUENCE") == 1
    assert moved.decoded("DTSTART") == datetime.datetime.combine(
        day, datetime.time(14, 30), SHANGHAI
    )
    assert moved.decoded("DTEND").astimezone(SHANGHAI).time() == datetime.time(15, 10)
    assert "美工室" in str(moved["LOCATION"])
    assert moved.decoded("LAST-MODIFIED") >= old.decoded("LAST-MODIFIED")
    # Cancelling is another revision, with STATUS:CANCELLED under the same UID.
    client.force_login(world.teacher)
    response = client.post(
        reverse("heritage:session_cancel", args=[world.session.pk]), {"reason": "停电"}
    )
    assert response.status_code == 302
    client.logout()
    _, events = check_calendar(client.get(url), calname_contains="沈老师")
    cancelled = event_by_uid(events, uid)
    assert cancelled.decoded("SEQUENCE") == 2
    assert str(cancelled["STATUS"]) == "CANCELLED"


def test_saving_without_a_change_keeps_the_sequence(world):
    session = Session.objects.get(pk=world.session.pk)
    session.change_reason = "备注"
    session.save()
    session.save(update_fields=["reminded_at"])
    assert Session.objects.get(pk=session.pk).sequence == 0
    session = Session.objects.get(pk=world.session.pk)
    session.place = "操场"
    session.save(update_fields=["place"])
    assert Session.objects.get(pk=session.pk).sequence == 1


def test_a_session_moved_in_the_admin_raises_sequence(client, world):
    client.force_login(world.manager)
    url = reverse("wagtailsnippets_heritage_session:edit", args=[world.session.pk])
    form = client.get(url)
    assert form.status_code == 200
    initial = form.context["form"].initial
    data = {}
    for name, field in form.context["form"].fields.items():
        value = initial.get(name, field.initial)
        if hasattr(value, "pk"):
            value = value.pk
        data[name] = "" if value is None else value
    start = timezone.localtime(world.session.starts_at) + datetime.timedelta(hours=1)
    end = timezone.localtime(world.session.ends_at) + datetime.timedelta(hours=1)
    data.update(
        {
            "starts_at": start.strftime("%Y-%m-%d %H:%M"),
            "ends_at": end.strftime("%Y-%m-%d %H:%M"),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    session = Session.objects.get(pk=world.session.pk)
    assert (
        session.sequence == 1
        and session.starts_at == world.session.starts_at + datetime.timedelta(hours=1)
    )


def test_conditional_get_and_head(client, world):
    url = feed_urls(client, world.craftsman)["craftsman"]
    first = client.get(url)
    assert first.status_code == 200
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    head = client.head(url)
    assert head.status_code == 200
    assert head["Content-Type"] == "text/calendar; charset=utf-8"
    assert head["ETag"] == first["ETag"] and head.content == b""
    assert client.post(url).status_code == 405


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        "a" * 300,
        "%00abcdefghijklmnopqrstu",
        "abc%20def%27%22%3Cscript%3Eghijklmnop",
        "%E6%B5%8B%E8%AF%95%E6%B5%8B%E8%AF%95%E6%B5%8B%E8%AF%95%E6%B5%8B%E8%AF%95",
        "..%2F..%2Fetc%2Fpasswd",
    ],
)
def test_malformed_tokens_are_404(client, world, token):
    assert client.get(f"/app/heritage/feed/{token}.ics").status_code == 404
    assert client.head(f"/en/app/heritage/feed/{token}.ics").status_code == 404


def test_revoked_and_orphaned_feeds_are_404(client, world):
    urls = feed_urls(client, world.teacher)
    feed = FeedToken.objects.get(owner=world.teacher, kind="teacher")
    client.force_login(world.teacher)
    assert client.post(reverse("heritage:feed_revoke", args=[feed.pk])).status_code == 302
    client.logout()
    assert client.get(urls["teacher"]).status_code == 404
    assert client.head(urls["teacher"]).status_code == 404
    assert client.get(urls["kindergarten"]).status_code == 200
    world.teacher.is_active = False
    world.teacher.save()
    assert client.get(urls["kindergarten"]).status_code == 404


def test_feeds_page_explains_each_calendar_app(client, world):
    """Subscribe (webcal) and download (.ics) for every feed, and no service that mainland
    China cannot reach (Google Calendar)."""
    client.force_login(world.teacher)
    html = client.get(reverse("heritage:feeds")).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    feeds = soup.select(".feed-list > li")
    assert feeds
    for feed in feeds:
        url = feed.select_one("input.feed-url")["value"]
        assert feed.select_one(f'a[href="webcal://{url.split("://", 1)[1]}"]')
        assert feed.select_one(f'a[href="{url}"][download$=".ics"]')
    assert "google" not in html.lower()
    for app in ("iPhone", "Outlook", "Thunderbird"):
        assert app in html


# ------------------------------------------------------------------ academy activities


@pytest.fixture
def activities(site_tree):
    academy = site_tree.sections["academy.AcademyPage"]
    track = academy.add_child(instance=TrackPage(title="名师带徒", slug="masters"))
    now = timezone.now()
    soon = track.add_child(
        instance=ActivityPage(
            title="车间现场指导：数控车床的精度调校与常见故障排除（第二期，面向全区青年技工）",
            slug="soon",
            starts_at=now + datetime.timedelta(days=3),
            ends_at=now + datetime.timedelta(days=3, hours=3),
            place="区职教中心实训楼, 3楼",
            summary="现场指导；带上工具\n第二行",
        )
    )
    later = track.add_child(
        instance=ActivityPage(
            title="劳模讲堂",
            slug="later",
            starts_at=now + datetime.timedelta(days=10),
            place="工人文化宫",
            summary="讲座",
        )
    )
    return track, soon, later


def test_academy_feed_is_a_valid_public_calendar(client, activities):
    track, soon, later = activities
    response = client.get(reverse("academy:activities_ical"))
    calendar, events = check_calendar(response, calname_contains="学院")
    assert "public" in response["Cache-Control"]
    assert [str(e["SUMMARY"]) for e in events] == [soon.title, later.title]
    event = events[0]
    assert str(event["UID"]) == f"academy-activity-{soon.translation_key}@testserver"
    assert str(event["LOCATION"]) == "区职教中心实训楼, 3楼"
    assert str(event["DESCRIPTION"]) == "现场指导；带上工具\n第二行"
    assert event.decoded("DTSTART") == soon.starts_at.replace(microsecond=0)
    assert event.decoded("DTEND") == soon.ends_at.replace(microsecond=0)
    assert str(event["URL"]).endswith("/academy/masters/soon/")
    # An activity without an end lasts two hours in calendars.
    assert events[1].decoded("DTEND") - events[1].decoded("DTSTART") == datetime.timedelta(hours=2)
    assert (
        client.get(
            reverse("academy:activities_ical"), HTTP_IF_NONE_MATCH=response["ETag"]
        ).status_code
        == 304
    )
    head = client.head(reverse("academy:activities_ical"))
    assert head.status_code == 200 and head.content == b""


def test_academy_activity_moved_by_publishing_keeps_uid_and_raises_sequence(client, activities):
    track, soon, later = activities
    url = reverse("academy:activities_ical")
    uid = f"academy-activity-{soon.translation_key}@testserver"
    first = event_by_uid(Calendar.from_ical(client.get(url).content).walk("VEVENT"), uid)
    assert first.decoded("SEQUENCE") == 0
    # An editor saves a draft that moves it a day later, then publishes it.
    page = ActivityPage.objects.get(pk=soon.pk)
    page.starts_at += datetime.timedelta(days=1)
    page.ends_at += datetime.timedelta(days=1)
    revision = page.save_revision()
    assert ActivityPage.objects.get(pk=soon.pk).ical_sequence == 0  # a draft changes nothing
    revision.publish()
    _, events = check_calendar(client.get(url), calname_contains="学院")
    moved = event_by_uid(events, uid)
    assert moved.decoded("SEQUENCE") == 1
    assert moved.decoded("DTSTART") == (soon.starts_at + datetime.timedelta(days=1)).replace(
        microsecond=0
    )
    # Publishing again with only the summary changed keeps the revision number.
    page = ActivityPage.objects.get(pk=soon.pk)
    page.summary = "更新了说明"
    page.save_revision().publish()
    assert ActivityPage.objects.get(pk=soon.pk).ical_sequence == 1
    # Publishing an old revision (moving it back) is another change, never a lower number.
    revision.publish()
    assert ActivityPage.objects.get(pk=soon.pk).ical_sequence == 1
    soon.save_revision().publish()
    assert ActivityPage.objects.get(pk=soon.pk).ical_sequence == 2


def test_academy_pages_offer_webcal_and_https_links(client, activities):
    track, soon, later = activities
    ics = reverse("academy:activities_ical")
    for path in ("/academy/", "/academy/masters/"):
        html = client.get(path).content.decode()
        assert f'href="webcal://testserver{ics}"' in html, path
        assert f'href="http://testserver{ics}" download="activities.ics"' in html, path
        assert "google" not in html.lower(), path


def test_feed_queries_do_not_grow_with_sessions(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = feed_urls(client, world.teacher)["kindergarten"]
    counts = []
    for extra in (0, 6):
        for i in range(extra):
            SessionFactory(
                lesson=world.lesson,
                class_group=world.class_group,
                teacher=world.teacher,
                starts_at=at(timezone.localdate() + datetime.timedelta(days=i + 1), 15),
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[0] <= 4, counts
