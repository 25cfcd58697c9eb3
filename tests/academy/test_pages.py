import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from academy.models import (
    AcademyPage,
    ActivityPage,
    EvidencePhoto,
    Honour,
    Pairing,
    ProfileIndexPage,
    ProfilePage,
    StudioIndexPage,
    StudioPage,
    TeachingSiteIndexPage,
    TrackPage,
)
from core.models import HomePage


class PageTreeTests(WagtailPageTestCase):
    def test_academy_structure(self):
        self.assertAllowedSubpageTypes(
            AcademyPage, {TrackPage, StudioIndexPage, ProfileIndexPage, TeachingSiteIndexPage}
        )
        self.assertCanCreateAt(AcademyPage, TrackPage)
        self.assertCanCreateAt(TrackPage, ActivityPage)
        self.assertCanCreateAt(StudioIndexPage, StudioPage)
        self.assertCanCreateAt(ProfileIndexPage, ProfilePage)

    def test_pages_only_where_they_belong(self):
        self.assertCanNotCreateAt(HomePage, TrackPage)
        self.assertCanNotCreateAt(Page, ActivityPage)
        self.assertCanNotCreateAt(AcademyPage, ActivityPage)
        self.assertCanNotCreateAt(AcademyPage, StudioPage)
        self.assertCanNotCreateAt(StudioIndexPage, ProfilePage)
        self.assertCanNotCreateAt(ActivityPage, ActivityPage)
        self.assertCanNotCreateAt(ProfilePage, ProfilePage)


@pytest.fixture
def academy(site_tree):
    return site_tree.sections["academy.AcademyPage"]


def test_tracks_are_pages_an_editor_adds(client, academy):
    """Not a hard-coded three: a fourth track shows up on the academy page."""
    now = timezone.now()
    tracks = [
        academy.add_child(instance=TrackPage(title=title, slug=f"t{i}"))
        for i, title in enumerate(["助企服务", "名师带徒", "创新攻关", "技能培训"])
    ]
    tracks[0].add_child(
        instance=ActivityPage(
            title="车间现场指导",
            slug="a1",
            starts_at=now + datetime.timedelta(days=3),
            place="实训室",
            summary="现场指导",
            speakers="王师傅, 李工",
        )
    )
    tracks[0].add_child(
        instance=ActivityPage(
            title="往期活动",
            slug="a2",
            starts_at=now - datetime.timedelta(days=30),
            place="车间",
            summary="往期",
        )
    )
    response = client.get("/academy/")
    html = response.content.decode()
    for track in tracks:
        assert track.title in html
    assert [t.activity_count for t in response.context["tracks"]] == [2, 0, 0, 0]
    assert "2场活动" in html
    assert "车间现场指导" in html  # upcoming, on the academy page
    track_html = client.get("/academy/t0/").content.decode()
    assert "近期活动" in track_html and "往期活动" in track_html
    activity = client.get("/academy/t0/a1/").content.decode()
    assert "王师傅、李工" in activity and "实训室" in activity and "即将举行" in activity
    assert client.get("/academy/t0/?page=abc").status_code == 404

    feed = client.get(reverse("academy:activities_ical"))
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert [str(event["summary"]) for event in events] == ["车间现场指导"]
    assert str(events[0]["location"]) == "实训室"


def test_the_whole_public_academy_with_the_demo(client, demo_data):
    html = client.get("/academy/").content.decode()
    assert "“1+3+N”一览" in html
    for title in ("助企服务", "名师带徒", "创新攻关"):
        assert title in html
    assert ActivityPage.objects.count() >= 30
    assert "8家创新工作室" in html and "33位劳动模范" in html and "74位民间工匠" in html

    # Studios: filter by level and by trade.
    studios = client.get("/academy/studios/").content.decode()
    assert studios.count('class="card"') == 8
    municipal = client.get("/academy/studios/", {"level": "municipal"}).content.decode()
    assert municipal.count('class="card"') == 2
    studio = StudioPage.objects.get(slug="studio-1")
    tag = studio.trades.first()
    by_trade = client.get("/academy/studios/", {"trade": tag.slug})
    assert studio.title in by_trade.content.decode()
    assert client.get("/academy/studios/", {"level": "galactic"}).status_code == 400
    assert client.get("/academy/studios/", {"trade": "no-such-trade"}).status_code == 400
    studio_html = client.get(studio.url).content.decode()
    assert studio.leader.title in studio_html and "专利" in studio_html and "2023" in studio_html

    # Honours roll grouped by level and year: 4 + 16 + 13.
    roll = client.get("/academy/people/honours/")
    assert [g["count"] for g in roll.context["roll"]] == [4, 16, 13]
    assert [g["label"] for g in roll.context["roll"]] == ["省级", "市级", "区级"]
    assert Honour.objects.count() == 33

    # Folk craftsmen: 74, filterable by trade.
    showcase = client.get("/academy/people/craftsmen/")
    assert showcase.context["craftsmen"].paginator.count == 74
    woodcarvers = client.get("/academy/people/craftsmen/", {"trade": "woodcarving"})
    assert 0 < woodcarvers.context["craftsmen"].paginator.count < 74
    assert client.get("/academy/people/craftsmen/", {"trade": "nope"}).status_code == 400
    # A NUL byte in a filter is a 400, not a PostgreSQL error (found by the form fuzz).
    assert client.get("/academy/studios/", {"trade": "a\x00b"}).status_code == 400
    assert client.get("/academy/people/craftsmen/", {"trade": "a\x00b"}).status_code == 400

    # A profile links to the studio it leads and counts the apprentices of its person.
    leader = studio.leader.specific
    profile = client.get(leader.url).content.decode()
    assert studio.title in profile and studio.url in profile
    mentor_profile = ProfilePage.objects.get(person__username="demo-mentor")
    count = (
        Pairing.objects.filter(mentor=mentor_profile.person).values("apprentice").distinct().count()
    )
    assert f"带徒{count}人" in client.get(mentor_profile.url).content.decode()

    # English under /en/.
    english = client.get("/en/academy/").content.decode()
    assert "1 + 3 + N at a glance" in english

    # Evidence photos never on public pages; their files have unguessable names.
    for photo in EvidencePhoto.objects.select_related("image"):
        assert len(photo.image.file.name.rsplit("/", 1)[-1]) >= 32
    assert "/app/academy/photos/" not in html + studios + profile


def test_demo_seed_is_idempotent(demo_data):
    from django.core.management import call_command

    counts = (Pairing.objects.count(), ProfilePage.objects.count(), ActivityPage.objects.count())
    call_command("seed_demo", stdout=__import__("io").StringIO())
    assert counts == (
        Pairing.objects.count(),
        ProfilePage.objects.count(),
        ActivityPage.objects.count(),
    )
    assert counts[0] == 60 and counts[1] == 107
    assert Pairing.objects.filter(status="completed", certificate__isnull=False).count() >= 5
    assert Pairing.objects.stale().count() >= 3
    mentor, mentor2 = (
        Pairing.objects.filter(mentor__username=name).values_list("pk", flat=True)
        for name in ("demo-mentor", "demo-mentor2")
    )
    assert set(mentor) and set(mentor2) and not set(mentor) & set(mentor2)
    assert Pairing.objects.filter(
        mentor__username="demo-mentor", apprentice__username="demo-apprentice"
    ).exists()
