"""Saving a roll call from the page's script: the version it was taken on, 409 on a change
made since, and the same scope, CSRF and input rules as the form."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import ModelLogEntry

from heritage.models import Attendance
from tests.validators import nu_errors

from .test_roll_call import marks, roll_url

pytestmark = pytest.mark.django_db


def save_url(world):
    with translation.override("en"):
        return reverse("heritage:roll_call_save", args=[world.session.pk])


def page_version(client, world):
    html = client.get(roll_url(world)).content.decode()
    return re.search(r'data-version="([0-9a-f]+)"', html).group(1)


def as_json(children, version, queued=True, **by_index):
    """The body the page's script sends: everyone present, then the children by index."""
    posted = marks(children, **by_index)
    body = {
        str(c.pk): {"status": posted[f"status_{c.pk}"], "reason": posted.get(f"reason_{c.pk}", "")}
        for c in children
    }
    return json.dumps({"marks": body, "version": version, "queued": queued})


def send(client, world, body, **headers):
    return client.post(save_url(world), body, content_type="application/json", **headers)


def saved(world):
    return dict(Attendance.objects.filter(session=world.session).values_list("child_id", "status"))


def test_a_save_on_the_version_the_page_carries_saves_and_gives_the_next_version(client, world):
    c = world.children
    client.force_login(world.teacher)
    version = page_version(client, world)
    response = send(client, world, as_json(c, version, c0=("absent", "发烧"), c1=("absent", "")))
    assert response.status_code == 200
    answer = response.json()
    assert answer["saved"] is True and answer["message"] == "The roll call is saved."
    assert saved(world)[c[0].pk] == "absent" and saved(world)[c[1].pk] == "absent"
    assert Attendance.objects.get(session=world.session, child=c[0]).reason == "发烧"
    assert answer["version"] != version
    assert answer["version"] == page_version(client, world)
    # Queued marks leave no message waiting for the next page; the roll call shows them.
    page = client.get(roll_url(world))
    assert not list(page.context["messages"])
    assert "Absent (2)" in page.content.decode()


def test_a_save_from_the_open_page_leaves_the_summary_for_the_page_it_reloads(client, world):
    c = world.children
    client.force_login(world.teacher)
    body = as_json(c, page_version(client, world), queued=False, c2=("late", "堵车"))
    assert send(client, world, body).status_code == 200
    notes = [str(m) for m in client.get(roll_url(world)).context["messages"]]
    assert notes == ["The roll call is saved.", f"Late: {c[2].display_name} (堵车)."]


def test_a_save_on_a_version_changed_since_answers_409_and_changes_nothing(client, world):
    c = world.children
    client.force_login(world.teacher)
    client.post(roll_url(world), marks(c))
    opened = page_version(client, world)
    # The craftsman changes the roll call while the teacher's phone is offline.
    other = Client()
    other.force_login(world.craftsman)
    other.post(roll_url(world), marks(c, c0=("late", "堵车")))
    before = saved(world)
    edits = ModelLogEntry.objects.filter(action="heritage.roll_call.edit").count()

    response = send(client, world, as_json(c, opened, c0=("absent", "发烧"), c1=("absent", "")))
    assert response.status_code == 409
    answer = response.json()
    assert answer["changed_by"] == "应师傅"
    assert answer["marks"][str(c[0].pk)] == {"status": "late", "reason": "堵车"}
    assert answer["marks"][str(c[1].pk)] == {"status": "present", "reason": ""}
    assert answer["version"] == page_version(client, world)
    assert saved(world) == before
    assert ModelLogEntry.objects.filter(action="heritage.roll_call.edit").count() == edits

    # Keeping the teacher's marks: sent again on the version the conflict showed.
    again = send(client, world, as_json(c, answer["version"], c0=("absent", "发烧")))
    assert again.status_code == 200
    assert saved(world)[c[0].pk] == "absent"


def test_a_roll_call_taken_by_someone_else_after_the_page_opened_is_a_conflict(client, world):
    c = world.children
    client.force_login(world.teacher)
    opened = page_version(client, world)  # no roll call yet
    other = Client()
    other.force_login(world.craftsman)
    other.post(roll_url(world), marks(c, c3=("excused", "请假")))
    response = send(client, world, as_json(c, opened))
    assert response.status_code == 409
    assert response.json()["marks"][str(c[3].pk)]["status"] == "excused"
    assert saved(world)[c[3].pk] == "excused"


def test_the_save_needs_the_csrf_token_the_page_gives(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.teacher)
    html = client.get(roll_url(world)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    version = re.search(r'data-version="([0-9a-f]+)"', html).group(1)
    body = as_json(world.children, version, c0=("absent", ""))
    assert send(client, world, body).status_code == 403
    assert send(client, world, body, HTTP_X_CSRFTOKEN="x" * 32).status_code == 403
    assert not saved(world)
    assert send(client, world, body, HTTP_X_CSRFTOKEN=token).status_code == 200
    assert saved(world)[world.children[0].pk] == "absent"


def test_only_the_people_of_the_session_may_save(client, world):
    body = as_json(world.children, page_version(_logged_in(world.teacher), world))
    assert send(client, world, body).status_code == 302  # to the login page
    client.force_login(world.teacher2)  # the other kindergarten's teacher
    assert send(client, world, body).status_code == 404
    assert not saved(world)
    client.force_login(world.craftsman)
    assert send(client, world, body).status_code == 200
    assert client.get(save_url(world)).status_code == 405


def _logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{not json", "could not be read"),
        ('["a list"]', "could not be read"),
        ('{"marks": {}}', "could not be read"),  # no version
        ('{"marks": {"12x": {"status": "absent"}}, "version": "v"}', "is not a child"),
        ('{"marks": {"1": "absent"}, "version": "v"}', "could not be read"),
        ('{"marks": {}, "version": "v"}', "Mark at least one child."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(client, world, body, message):
    client.force_login(world.teacher)
    response = send(client, world, body)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not saved(world)


def test_a_child_of_another_class_or_an_unknown_status_is_refused(client, world):
    client.force_login(world.teacher)
    version = page_version(client, world)
    stranger = world.class_group2.children.first()
    body = {"marks": {str(stranger.pk): {"status": "absent"}}, "version": version}
    response = send(client, world, json.dumps(body))
    assert response.status_code == 400
    assert "is not in the class group" in response.json()["error"]
    body = {"marks": {str(world.children[0].pk): {"status": "gone"}}, "version": version}
    response = send(client, world, json.dumps(body))
    assert response.status_code == 400
    assert "is not one of present, late, excused or absent" in response.json()["error"]
    assert not saved(world)


def test_the_page_carries_its_version_and_the_waiting_words_in_chinese_by_default(client, world):
    client.force_login(world.teacher)
    html = client.get(roll_url(world, language="zh-hans")).content.decode()
    assert f'data-save-url="{reverse("heritage:roll_call_save", args=[world.session.pk])}"' in html
    assert 'data-many="%(n)s 份点名等待发送"' in html
    assert 'data-offline="没有网络：点名已保存在本机，网络恢复后自动发送。"' in html
    assert "保留我的" in html and "保留已保存的" in html
    english = client.get(roll_url(world)).content.decode()
    assert 'data-many="%(n)s roll calls waiting to be sent"' in english


def test_the_roll_call_page_with_its_queue_and_conflict_panel_is_valid_html(client, world):
    client.force_login(world.teacher)
    assert nu_errors({"roll call": client.get(roll_url(world)).content.decode()}) == {}
