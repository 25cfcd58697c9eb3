"""The site search over the academy: studios by their trades, people by trade and employer,
activities by place."""

import pytest

from academy.models import ActivityPage, ProfilePage, StudioPage

pytestmark = pytest.mark.django_db


def search(client, q, path="/search/"):
    return client.get(path, {"q": q}).content.decode()


def test_a_studio_is_found_by_a_trade_it_is_tagged_with(client, demo_data):
    tagged = StudioPage.objects.live().filter(trades__name="非遗传承")
    assert tagged.exists()
    html = search(client, "非遗传承")
    assert all(studio.url in html for studio in tagged)


def test_people_are_found_by_employer_and_activities_by_place(client, demo_data):
    person = ProfilePage.objects.live().exclude(employer="").first()
    assert person.url in search(client, person.employer)
    activity = ActivityPage.objects.live().order_by("-starts_at").first()
    html = search(client, activity.title)
    assert activity.url in html and 'id="search-group-activities"' in html


def test_english_labels_and_english_addresses(client, demo_data):
    html = search(client, "model-worker", "/en/search/")
    assert "People" in html and "Model worker" in html
    assert 'href="/en/academy/' in html
