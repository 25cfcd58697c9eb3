"""The public forms against scripts: a limit per address, and a honeypot people never fill.

A script once sent 100 registrations from one address in 9 seconds, all accepted. Now each
address may post the registration form 10 times an hour and the objection form 5 times; past
that the form comes back 429 with a message saying when to try again, and nothing is saved.
A hidden field that only scripts fill makes a post a 400 with nothing saved.
"""

import re
import types

import django_ratelimit.core
import pytest
from django.test import Client

from contests.models import Entrant, Objection, ResultsPage
from tests.contests.helpers import fill, ready_event
from tests.factories.contests import EventFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LIMITED = "Too many forms were sent from your network address. Nothing was saved"


@pytest.fixture(autouse=True)
def _still_clock(monkeypatch):
    """django-ratelimit counts in fixed windows: keep the test inside one of them."""
    clock = types.SimpleNamespace(now=1_750_000_000.0)
    monkeypatch.setattr(
        django_ratelimit.core, "time", types.SimpleNamespace(time=lambda: clock.now)
    )
    return clock


@pytest.fixture
def event(contest):
    return EventFactory(contest=contest, name="男装裁剪")


def registration(event, number, **extra):
    return {
        "event": event.pk,
        "name": f"选手{number}",
        "unit": "奉化某服饰",
        "phone": f"138{number:08d}",
        **extra,
    }


def test_one_address_registers_ten_times_an_hour_then_is_refused(contest, event, _still_clock):
    url = "/en" + contest.url + "register/"
    script = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [script.post(url, registration(event, n)).status_code for n in range(101)]
    assert statuses[:10] == [302] * 10
    assert statuses[10:] == [429] * 91
    assert Entrant.objects.count() == 10

    # A person behind that address sees the form again, filled in, with the reason.
    response = script.post(url, registration(event, 500))
    assert response.status_code == 429
    html = response.content.decode()
    assert LIMITED in html and "please try again after" in html
    assert 'value="选手500"' in html  # nothing to type again later
    assert not Entrant.objects.filter(name="选手500").exists()

    # Another address still registers at once.
    other = Client(REMOTE_ADDR="198.51.100.20")
    assert other.post(url, registration(event, 900)).status_code == 302
    assert Entrant.objects.filter(name="选手900", bib="011").exists()

    # An hour later the first address may register again.
    _still_clock.now += 3600
    assert script.post(url, registration(event, 501)).status_code == 302


def test_refused_posts_count_too_and_reading_the_form_does_not(contest, event):
    url = contest.url + "register/"
    client = Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(30):
        assert client.get(url).status_code == 200
    for _ in range(10):
        assert client.post(url, {"event": event.pk}).status_code == 400  # incomplete
    assert client.post(url, registration(event, 1)).status_code == 429
    assert not Entrant.objects.exists()


def test_behind_the_proxy_the_forwarded_address_counts(contest, event, settings):
    settings.BEHIND_PROXY = True
    url = contest.url + "register/"
    for n in range(10):
        response = Client(HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 192.0.2.1").post(
            url, registration(event, n)
        )
        assert response.status_code == 302
    # The proxy's own address is the same for all: only the last hop counts.
    assert (
        Client(HTTP_X_FORWARDED_FOR="10.0.0.1, 192.0.2.2")
        .post(url, registration(event, 99))
        .status_code
        == 302
    )
    refused = Client(HTTP_X_FORWARDED_FOR="10.0.0.2, 192.0.2.1").post(url, registration(event, 98))
    assert refused.status_code == 429


def test_ipv6_neighbours_in_one_64_count_together(contest, event):
    url = contest.url + "register/"
    for n in range(10):
        client = Client(REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}")
        assert client.post(url, registration(event, n)).status_code == 302
    assert (
        Client(REMOTE_ADDR="2001:db8:1:2::ff").post(url, registration(event, 50)).status_code == 429
    )
    assert (
        Client(REMOTE_ADDR="2001:db8:1:3::1").post(url, registration(event, 51)).status_code == 302
    )


def test_the_limit_is_a_setting(contest, event, settings):
    settings.PUBLIC_FORM_LIMITS = {"contest-registration": "2/h"}
    url = contest.url + "register/"
    client = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [client.post(url, registration(event, n)).status_code for n in range(3)]
    assert statuses == [302, 302, 429]


@pytest.fixture
def notice_page(client, contest, organizer):
    event, sheets = ready_event(contest)
    fill(event, sheets)
    client.force_login(organizer)
    for action in ("provisional", "notice"):
        client.post(f"/app/contests/manage/event/{event.pk}/publish/", {"action": action})
    client.logout()
    page = ResultsPage.objects.get(event=event)
    assert page.stage == "notice"
    return page


def objection(number, **extra):
    return {"name": f"访客{number}", "contact": f"139{number:08d}", "message": "成绩有误", **extra}


def test_objections_five_an_hour_per_address(notice_page):
    url = "/en" + notice_page.url + "objection/"
    script = Client(REMOTE_ADDR="203.0.113.10")
    statuses = [script.post(url, objection(n)).status_code for n in range(20)]
    assert statuses == [302] * 5 + [429] * 15
    assert Objection.objects.count() == 5
    response = script.post(url, objection(99))
    assert LIMITED in response.content.decode()
    assert 'id="objection"' in response.content.decode()  # the form is there again
    assert Client(REMOTE_ADDR="203.0.113.11").post(url, objection(100)).status_code == 302
    assert Objection.objects.count() == 6


def test_a_filled_honeypot_saves_nothing(contest, event, notice_page):
    url, objection_url = "/en" + contest.url + "register/", "/en" + notice_page.url + "objection/"
    response = Client().post(url, registration(event, 1, remarks="http://spam.example"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "The form could not be sent. Please check your entries and send it again." in html
    assert "spam.example" not in html  # never echoed: a person can simply send again
    assert not event.entrants.exists()

    response = Client().post(objection_url, objection(1, remarks="buy now"))
    assert response.status_code == 400
    assert not Objection.objects.exists()


def test_the_honeypot_is_out_of_sight_and_reach(contest, event, notice_page):
    for url in (contest.url + "register/", notice_page.url):
        html = Client().get(url).content.decode()
        field = re.search(r'<div class="honeypot" aria-hidden="true">.*?</div>', html, re.S)
        assert field, url
        tag = re.search(r"<input[^>]*name=\"remarks\"[^>]*>", field.group(0)).group(0)
        assert 'type="text"' in tag and 'tabindex="-1"' in tag
        assert 'autocomplete="off"' in tag and 'aria-hidden="true"' in tag


def read_form(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Page-Cache"] != "hit"
    return TOKEN.search(response.content.decode()).group(1)


def test_three_people_with_csrf_still_register_and_object(contest, event, notice_page):
    """Three separate people (browsers enforcing CSRF, fresh cookies) use both forms."""
    url = contest.url + "register/"
    for number in range(1, 4):
        person = Client(enforce_csrf_checks=True, REMOTE_ADDR=f"198.51.100.{number}")
        token = read_form(person, url)
        response = person.post(url, {"csrfmiddlewaretoken": token, **registration(event, number)})
        assert response.status_code == 302, response.content.decode()[:300]
        assert "您的编号是" in person.get(response["Location"]).content.decode()

        token = read_form(person, notice_page.url)
        response = person.post(
            notice_page.url + "objection/", {"csrfmiddlewaretoken": token, **objection(number)}
        )
        assert response.status_code == 302, response.content.decode()[:300]
    assert sorted(event.entrants.values_list("bib", flat=True)) == ["001", "002", "003"]
    assert Objection.objects.count() == 3
