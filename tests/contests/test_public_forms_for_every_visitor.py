"""The public forms, posted as separate visitors would: each a new client with CSRF enforced.

The page cache once stored the first visitor's page with its CSRF token, and every later
visitor was refused "403 CSRF验证失败". Each visitor here reads the page (from the cache or not)
and posts the form with the token and cookie the page gave them.
"""

import re

import pytest
from django.test import Client

from contests.models import Entrant, Objection, ResultsPage
from tests.contests.helpers import fill, ready_event
from tests.factories.contests import EventFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def visitor():
    return Client(enforce_csrf_checks=True)


def read_form(client, url):
    response = client.get(url)
    assert response.status_code == 200
    found = TOKEN.search(response.content.decode())
    assert found, "the page carries no form token"
    assert "csrftoken" in response.cookies, "the page sets no CSRF cookie for this visitor"
    return found.group(1), response


def test_three_visitors_in_turn_register_for_a_contest(contest):
    event = EventFactory(contest=contest, name="女装裁剪")
    url = contest.url + "register/"
    for number in range(1, 4):
        client = visitor()
        token, page = read_form(client, url)
        assert page["X-Page-Cache"] != "hit"
        response = client.post(
            url,
            {
                "csrfmiddlewaretoken": token,
                "event": event.pk,
                "name": f"访客{number}",
                "unit": "奉化某服饰",
                "phone": f"1380000000{number}",
            },
        )
        assert response.status_code == 302, response.content.decode()[:300]
        assert "您的编号是" in client.get(response["Location"]).content.decode()
    assert sorted(Entrant.objects.values_list("bib", flat=True)) == ["001", "002", "003"]


def test_three_visitors_in_turn_send_an_objection(client, contest, organizer):
    event, sheets = ready_event(contest)
    fill(event, sheets)
    client.force_login(organizer)
    for action in ("provisional", "notice"):
        client.post(f"/app/contests/manage/event/{event.pk}/publish/", {"action": action})
    page = ResultsPage.objects.get(event=event)
    assert page.live and page.stage == "notice"
    for number in range(1, 4):
        anonymous = visitor()
        token, _response = read_form(anonymous, page.url)
        response = anonymous.post(
            page.url + "objection/",
            {
                "csrfmiddlewaretoken": token,
                "name": f"访客{number}",
                "contact": f"1390000000{number}",
                "message": "成绩有误",
            },
        )
        assert response.status_code == 302, response.content.decode()[:300]
    assert Objection.objects.count() == 3


def test_a_page_without_a_form_is_cached_and_shared(contest):
    first, second = visitor(), visitor()
    assert first.get(contest.url)["X-Page-Cache"] == "miss"
    response = second.get(contest.url)
    assert response["X-Page-Cache"] == "hit"
    assert "csrfmiddlewaretoken" not in response.content.decode()
