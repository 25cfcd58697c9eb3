"""Contest day: correcting, withdrawing and deleting entrants with history, the competition
order and the printable check-in sheet, and the hall board a venue's screen opens with a
kiosk link."""

import datetime
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from contests.models import Entrant, HallBoard, Score, Sheet
from contests.services import hall
from tests.contests.helpers import fill, ready_event
from tests.factories import UserFactory
from tests.factories.contests import make_contest

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(contest):
    return ready_event(contest, entrants=3, judges=3)[0]


@pytest.fixture
def org(client, organizer):
    client.force_login(organizer)
    return client


def entrant_url(event, entrant, action=""):
    base = f"/en/app/contests/manage/event/{event.pk}/entrants/{entrant.pk}/"
    return base + (f"{action}/" if action else "")


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- entrants: edit, withdraw, delete, with history -------------------------------------------


def test_editing_an_entrant_saves_and_logs_old_and_new_values(org, event, organizer):
    entrant = event.entrants.get(bib="001")
    listing = org.get(f"/en/app/contests/manage/event/{event.pk}/entrants/").content.decode()
    assert entrant_url(event, entrant).removeprefix("/en") in listing.replace("/en/", "/")
    response = org.post(
        entrant_url(event, entrant),
        {"name": "张珊", "unit": "溪口镇某机械厂", "phone": "13800001111", "station": "A3"},
    )
    assert response.status_code == 302
    entrant.refresh_from_db()
    assert (entrant.name, entrant.unit, entrant.phone, entrant.station) == (
        "张珊",
        "溪口镇某机械厂",
        "13800001111",
        "A3",
    )
    entry = ModelLogEntry.objects.get(action="contests.edit_entrant")
    assert entry.user == organizer
    assert {c["field"]: (c["old"], c["new"]) for c in entry.data["changes"]} == {
        "name": ("选手1", "张珊"),
        "unit": ("奉化某公司", "溪口镇某机械厂"),
        "phone": ("", "13800001111"),
        "station": ("", "A3"),
    }
    page = text_of(org.get(entrant_url(event, entrant)))
    assert "name: 选手1 → 张珊" in page and "unit: 奉化某公司 → 溪口镇某机械厂" in page
    listing = text_of(org.get(f"/en/app/contests/manage/event/{event.pk}/entrants/"))
    assert "name: 选手1 → 张珊" in listing
    # saving the same values again changes nothing and logs nothing
    org.post(
        entrant_url(event, entrant),
        {"name": "张珊", "unit": "溪口镇某机械厂", "phone": "13800001111", "station": "A3"},
    )
    assert ModelLogEntry.objects.filter(action="contests.edit_entrant").count() == 1


def test_the_admin_history_shows_the_change(client, event):
    entrant = event.entrants.get(bib="002")
    organizer = event.contest.organizers.first()
    client.force_login(organizer)
    client.post(entrant_url(event, entrant), {"name": "王五", "unit": "奉化某公司", "phone": ""})
    client.post(entrant_url(event, entrant, "withdraw"), {"reason": "身体不适"})
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    url = reverse("wagtailsnippets_contests_entrant:history", args=[entrant.pk])
    html = client.get(url).content.decode()
    assert "选手2 → 王五" in html  # the admin speaks Chinese by default
    assert "身体不适" in html and "已退赛" in html


def test_a_refused_edit_says_why_and_saves_nothing(org, event):
    entrant = event.entrants.get(bib="001")
    other = event.entrants.get(bib="002")
    other.order = 4
    other.save()
    for data, message in (
        ({"name": "张珊", "unit": "某公司", "phone": "abc"}, "Enter a phone number."),
        ({"name": "", "unit": "某公司"}, "This field is required."),
        ({"name": other.name, "unit": other.unit}, "This entrant is already registered."),
        ({"name": "张珊", "unit": "某公司", "order": "4"}, "already competes in position 4"),
        ({"name": "张珊", "unit": "某公司", "order": "-1"}, "Ensure this value is greater"),
        ({"name": "张珊", "unit": "某公司", "order": "9" * 25}, "Ensure this value is less"),
        ({"name": "张珊", "unit": "某公司", "station": "工" * 21}, "at most 20 characters"),
    ):
        response = org.post(entrant_url(event, entrant), data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    entrant.refresh_from_db()
    assert entrant.name == "选手1" and entrant.order is None
    assert not ModelLogEntry.objects.filter(action="contests.edit_entrant").exists()


def test_withdrawing_needs_a_reason_and_takes_the_entrant_out_of_the_ranking(org, event):
    entrant = event.entrants.get(bib="003")
    response = org.post(entrant_url(event, entrant, "withdraw"), {"reason": " "})
    assert response.status_code == 400
    assert "Give a reason" in response.content.decode()
    entrant.refresh_from_db()
    assert entrant.status == Entrant.Status.ACTIVE
    response = org.post(entrant_url(event, entrant, "withdraw"), {"reason": "临时出差"})
    assert response.status_code == 302
    entrant.refresh_from_db()
    assert entrant.status == "withdrawn"
    entry = ModelLogEntry.objects.get(action="contests.withdraw_entrant")
    assert entry.data["reason"] == "临时出差" and entry.data["old"] == "active"
    page = text_of(org.get(entrant_url(event, entrant)))
    assert "Withdrawn (was: Competing). Reason: 临时出差" in page
    assert event.entrants.active().count() == 2
    ranking = org.get(f"/en/app/contests/manage/event/{event.pk}/").content.decode()
    ranking = ranking.split("Current ranking", 1)[1]
    assert re.search(r"<td>003</td>.*?Withdrawn", ranking, re.S)
    # a second withdrawal is refused
    assert org.post(entrant_url(event, entrant, "withdraw"), {"reason": "x"}).status_code == 400


def test_deleting_an_entrant_without_scores_is_logged_with_the_reason(org, event):
    entrant = event.entrants.get(bib="003")
    assert org.post(entrant_url(event, entrant, "delete"), {"reason": ""}).status_code == 400
    assert Entrant.objects.filter(pk=entrant.pk).exists()
    response = org.post(entrant_url(event, entrant, "delete"), {"reason": "重复报名"})
    assert response.status_code == 302
    assert not Entrant.objects.filter(pk=entrant.pk).exists()
    history = text_of(org.get(f"/en/app/contests/manage/event/{event.pk}/entrants/history/"))
    assert "No. 003 选手3 (奉化某公司) deleted. Reason: 重复报名" in history


def test_deleting_an_entrant_with_scores_is_refused(org, event):
    sheets = list(event.sheets.all())
    fill(event, sheets)
    entrant = event.entrants.get(bib="001")
    response = org.post(entrant_url(event, entrant, "delete"), {"reason": "弄错了"})
    assert response.status_code == 400
    assert "already has scores and cannot be deleted" in response.content.decode()
    assert Entrant.objects.filter(pk=entrant.pk).exists()
    assert Score.objects.filter(entrant=entrant).count() == 6
    assert not ModelLogEntry.objects.filter(action="contests.delete_entrant").exists()
    # the entrant's page offers the withdrawal instead
    page = org.get(entrant_url(event, entrant)).content.decode()
    assert "can be withdrawn but not deleted" in page


def test_another_organizer_cannot_touch_the_entrants(client, event, index):
    outsider = UserFactory(username="org-x", role="organizer")
    make_contest(index, title="别的竞赛", organizers=[outsider])
    client.force_login(outsider)
    entrant = event.entrants.get(bib="001")
    assert client.get(entrant_url(event, entrant)).status_code == 404
    assert client.post(entrant_url(event, entrant), {"name": "x", "unit": "y"}).status_code == 404
    for action in ("withdraw", "delete"):
        assert client.post(entrant_url(event, entrant, action), {"reason": "x"}).status_code == 404
    url = f"/app/contests/manage/event/{event.pk}/"
    assert client.post(url + "entrants/order/", {"method": "bib"}).status_code == 404
    assert client.get(url + "check-in/").status_code == 404
    assert client.get(url + "entrants/history/").status_code == 404
    assert client.post(url + "boards/", {"label": "x"}).status_code == 404
    entrant.refresh_from_db()
    assert entrant.name == "选手1" and entrant.status == "active"


def test_the_status_switch_logs_old_and_new(org, event):
    entrant = event.entrants.get(bib="002")
    url = f"/en/app/contests/manage/event/{event.pk}/entrants/{entrant.pk}/status/"
    assert org.post(url, {"status": "withdrawn"}).status_code == 400  # needs a reason
    assert org.post(url, {"status": "absent"}).status_code == 302
    entry = ModelLogEntry.objects.get(action="contests.entrant_status")
    assert (entry.data["old"], entry.data["new"]) == ("active", "absent")
    assert "Status: Competing → Absent" in text_of(org.get(entrant_url(event, entrant)))


# --- competition order, stations and the check-in sheet ---------------------------------------


def test_the_order_is_given_in_bib_order_or_at_random(org, event, contest):
    url = f"/en/app/contests/manage/event/{event.pk}/entrants/order/"
    event.entrants.filter(bib="002").update(status="absent")
    assert org.post(url, {"method": "bib", "stations": "on"}).status_code == 302
    rows = list(event.entrants.order_by("bib").values_list("bib", "order", "station"))
    assert rows == [("001", 1, "1"), ("002", None, ""), ("003", 2, "2")]
    assert ModelLogEntry.objects.filter(action="contests.assign_order").count() == 1
    big = ready_event(contest, entrants=30, judges=3, name="大项目")[0]
    url = f"/en/app/contests/manage/event/{big.pk}/entrants/order/"
    assert org.post(url, {"method": "random"}).status_code == 302
    orders = list(big.entrants.order_by("bib").values_list("order", flat=True))
    assert sorted(orders) == list(range(1, 31))
    assert orders != list(range(1, 31))  # 1 chance in 30! of the bib order
    assert org.post(url, {"method": "alphabetical"}).status_code == 400
    assert sorted(big.entrants.values_list("order", flat=True)) == list(range(1, 31))


def test_the_check_in_sheet_lists_entrants_in_order_with_chinese_headers(org, event):
    event.entrants.filter(bib="001").update(order=3, station="B1")
    event.entrants.filter(bib="002").update(order=1, station="B2")
    event.entrants.filter(bib="003").update(status="withdrawn")
    page = org.get(f"/app/contests/manage/event/{event.pk}/").content.decode()
    assert f"/app/contests/manage/event/{event.pk}/check-in/" in page
    response = org.get(f"/app/contests/manage/event/{event.pk}/check-in/")
    assert response.status_code == 200
    html = response.content.decode()
    for header in ("编号", "姓名", "单位", "工位", "出场顺序", "签名"):
        assert f">{header}</th>" in html, header
    assert html.index("选手2") < html.index("选手1")
    assert "选手3" not in html  # withdrawn
    assert "data-print" in html and "print-page" not in html


# --- the hall board ----------------------------------------------------------------------------


def board_of(event, **fields):
    organizer = event.contest.organizers.first()
    return hall.create_board(event, organizer, **fields)


def test_the_organizer_creates_switches_and_revokes_a_board_link(org, event, organizer):
    url = f"/en/app/contests/manage/event/{event.pk}/"
    assert "#hall" in org.get(url).content.decode()
    response = org.post(url + "boards/", {"label": "大厅左屏"})
    assert response.status_code == 302
    board = HallBoard.objects.get()
    assert board.event == event and not board.show_standings and len(board.token) >= 40
    page = org.get(url).content.decode()
    assert board.get_absolute_url() in page
    assert org.post(url + f"boards/{board.pk}/standings/", {"show": "1"}).status_code == 302
    board.refresh_from_db()
    assert board.show_standings
    assert org.post(url + f"boards/{board.pk}/revoke/").status_code == 302
    board.refresh_from_db()
    assert board.is_revoked
    assert board.get_absolute_url() not in org.get(url).content.decode()
    actions = list(
        ModelLogEntry.objects.filter(action__startswith="contests.board").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == [
        "contests.board_create",
        "contests.board_revoke",
        "contests.board_standings",
    ]
    assert org.post(url + "boards/", {"label": "x" * 61}).status_code == 400


def test_anonymous_visitors_holding_the_link_see_the_board_and_nobody_else(event):
    board = board_of(event)
    visitors = [Client(enforce_csrf_checks=True) for _ in range(3)]
    for visitor in visitors:
        response = visitor.get(board.get_absolute_url())
        assert response.status_code == 200
        assert "选手1" in response.content.decode()
        assert "no-store" in response["Cache-Control"]
        data = visitor.get(board.get_absolute_url() + "data.json")
        assert data.status_code == 200 and "no-store" in data["Cache-Control"]
        assert data.json()["total"] == 3
    for token in ("nope", board.token[:-1] + "x", "x" * 200):
        response = visitors[0].get(f"/app/contests/hall/{token}/")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/plain")
        assert visitors[0].get(f"/app/contests/hall/{token}/data.json").status_code == 404
    hall.revoke_board(board, event.contest.organizers.first())
    for suffix in ("", "data.json"):
        response = visitors[1].get(board.get_absolute_url() + suffix)
        assert response.status_code == 404
        assert "revoked" in response.content.decode() or "撤销" in response.content.decode()
    assert visitors[2].post(board.get_absolute_url()).status_code in (403, 404, 405)


def test_the_board_shows_who_is_done_and_changes_when_scores_arrive(event):
    board = board_of(event)
    client = Client()
    url = board.get_absolute_url() + "data.json"
    assert client.get(url).json()["done"] == 0
    sheets = list(event.sheets.order_by("id"))
    fill(event, sheets[:2], submit=False)
    data = client.get(url).json()
    assert data["done"] == 0 and "2/3" in data["html"]
    # the third judge enters every score of 001 (a draft): 001 is done
    first = event.entrants.get(bib="001")
    for criterion in event.criteria.all():
        Score.objects.create(sheet=sheets[2], entrant=first, criterion=criterion, points=70)
    data = client.get(url).json()
    assert data["done"] == 1 and data["submitted"] == 0
    assert re.search(r'tile--done" data-bib="001"', data["html"])
    # the third judge submits: every entrant counts as done
    Sheet.objects.filter(pk=sheets[2].pk).update(submitted_at=datetime.datetime.now(datetime.UTC))
    data = client.get(url).json()
    assert (data["done"], data["submitted"], data["judges"]) == (3, 1, 3)
    # withdrawn entrants leave the board
    event.entrants.filter(bib="003").update(status="withdrawn")
    assert client.get(url).json()["total"] == 2


def test_the_standings_show_only_when_the_organizer_allows_it(event):
    fill(event, list(event.sheets.all()))
    board = board_of(event)
    client = Client()
    html = client.get(board.get_absolute_url()).content.decode()
    assert "hall-standings" not in html
    board.show_standings = True
    board.save()
    html = client.get(board.get_absolute_url()).content.decode()
    assert "hall-standings" in html
    payload = json.loads(client.get(board.get_absolute_url() + "data.json").content)
    assert "hall-standings" in payload["html"]
    # Entrant 001 scores highest in fill(): ranked first
    standings = payload["html"].split("hall-standings", 1)[1]
    assert re.search(r"<td>1</td><td>001</td><td>选手1</td>", standings)


def test_blind_events_show_numbers_only(event):
    event.hide_names = True
    event.save()
    fill(event, list(event.sheets.all()))
    board = board_of(event, show_standings=True)
    client = Client()
    for suffix in ("", "data.json"):
        text = client.get(board.get_absolute_url() + suffix).content.decode()
        assert "001" in text
        assert not re.search(r"选手\d", text) and "奉化某公司" not in text


@pytest.mark.parametrize("suffix", ["", "data.json"])
def test_the_board_query_count_does_not_grow_with_entrants(
    contest, suffix, django_assert_max_num_queries
):
    counts = []
    for name, size in (("A", 5), ("B", 50)):
        event, sheets = ready_event(contest, entrants=size, judges=3, name=name)
        fill(event, sheets[:2])
        board = board_of(event, show_standings=True)
        client = Client()
        client.get(board.get_absolute_url() + suffix)
        with django_assert_max_num_queries(12) as ctx:
            assert client.get(board.get_absolute_url() + suffix).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_the_board_is_never_served_stale_from_a_cache(event):
    board = board_of(event)
    client = Client()
    url = board.get_absolute_url() + "data.json"
    assert client.get(url).json()["done"] == 0
    fill(event, list(event.sheets.all()))
    assert client.get(url).json()["done"] == 3
    response = client.get(board.get_absolute_url())
    assert "X-Page-Cache" not in response
    assert "no-store" in response["Cache-Control"]
