"""The public names the apprentices a model worker mentored, where each agreed to be shown."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from academy.models import Honour, Pairing, ProfileIndexPage, ProfilePage
from tests.factories import UserFactory
from tests.factories.academy import PairingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(site_tree):
    academy = site_tree.sections["academy.AcademyPage"]
    return academy.add_child(instance=ProfileIndexPage(title="劳模工匠", slug="people"))


def _profile(index, title, person=None, honours=1):
    profile = index.add_child(
        instance=ProfilePage(
            title=title, slug=f"p-{ProfilePage.objects.count()}", kind="model_worker", person=person
        )
    )
    for year in range(honours):
        Honour.objects.create(
            profile=profile, title="区劳动模范", level="district", year=2020 + year
        )
    return profile


def _mentor_with_apprentices(index, name, shown, hidden=0):
    mentor = UserFactory(role="mentor", first_name=name)
    profile = _profile(index, name, person=mentor)
    pairings = [
        PairingFactory(mentor=mentor, shown_on_mentor_profile=True) for _ in range(shown)
    ] + [PairingFactory(mentor=mentor) for _ in range(hidden)]
    return profile, pairings


def test_profile_lists_the_apprentices_who_agreed_with_links_to_their_own_profile(client, people):
    profile, (agreed, declined) = _mentor_with_apprentices(people, "甘秋实", shown=1, hidden=1)
    agreed.apprentice.first_name = "柯晓禾"
    agreed.apprentice.save()
    declined.apprentice.first_name = "卢不显"
    declined.apprentice.save()
    own = _profile(people, "柯晓禾", person=agreed.apprentice, honours=0)
    withdrawn = PairingFactory(
        mentor=profile.person, shown_on_mentor_profile=True, status=Pairing.Status.WITHDRAWN
    )
    withdrawn.apprentice.first_name = "杭已退"
    withdrawn.apprentice.save()

    html = client.get(profile.url).content.decode()
    assert "带徒名单" in html
    assert f'<a href="{own.url}">柯晓禾</a>' in html
    assert "卢不显" not in html
    assert "杭已退" not in html

    roll = client.get(people.url + "honours/").content.decode()
    assert "柯晓禾" in roll and "卢不显" not in roll


def _count(client, url):
    cache.clear()  # the anonymous page cache would answer without a query
    client.get(url)
    cache.clear()
    client.get("/accounts/login/")  # the shared shell, cached again
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_honours_roll_costs_the_same_with_many_mentors_and_apprentices(client, people):
    _mentor_with_apprentices(people, "甲", shown=1)
    small = _count(client, people.url + "honours/")
    for i in range(8):
        _mentor_with_apprentices(people, f"乙{i}", shown=3)
    large = _count(client, people.url + "honours/")
    assert small == large


@pytest.fixture
def pairing_of_apprentice(db):
    return PairingFactory(
        mentor=UserFactory(username="m1", role="mentor"),
        apprentice=UserFactory(username="a1", role="apprentice"),
    )


def test_the_apprentice_agrees_and_withdraws_agreement(client, pairing_of_apprentice):
    pairing = pairing_of_apprentice
    client.force_login(pairing.apprentice)
    page = client.get(pairing.get_absolute_url()).content.decode()
    assert "在导师的公开简介和荣誉榜上显示我的姓名" in page
    url = reverse("academy:pairing_publicity", args=[pairing.pk])

    response = client.post(url, {"shown": "on"}, follow=True)
    assert response.status_code == 200
    assert "你的姓名会显示在导师的公开简介上" in response.content.decode()
    pairing.refresh_from_db()
    assert pairing.shown_on_mentor_profile
    assert ModelLogEntry.objects.filter(action="academy.publicity").count() == 1

    client.post(url, {})
    pairing.refresh_from_db()
    assert not pairing.shown_on_mentor_profile


def test_only_the_apprentice_decides(client, pairing_of_apprentice):
    pairing = pairing_of_apprentice
    url = reverse("academy:pairing_publicity", args=[pairing.pk])
    client.force_login(pairing.mentor)
    assert client.post(url, {"shown": "on"}).status_code == 403
    client.force_login(UserFactory(role="apprentice"))
    assert client.post(url, {"shown": "on"}).status_code == 404
    client.force_login(pairing.apprentice)
    assert client.get(url).status_code == 405
    pairing.refresh_from_db()
    assert not pairing.shown_on_mentor_profile
