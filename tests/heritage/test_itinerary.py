"""A craftsman's itinerary: their next sessions in every kindergarten, in order, with place,
time, lesson and the materials to bring; nobody else's, and for nobody else."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.workspace import workspace_items
from heritage.models import Session
from tests.factories import UserFactory
from tests.factories.heritage import SessionFactory, at, make_craft, make_lesson

pytestmark = pytest.mark.django_db


def days_ahead(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def trips(world):
    """Sessions of the craftsman in two kindergartens (made out of order), one cancelled, one
    over, and one of another craftsman."""
    later = SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group2,
        teacher=world.teacher2,
        starts_at=at(days_ahead(3), 14),
        place="明珠幼多功能厅",
    )
    sooner = SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group,
        teacher=world.teacher,
        starts_at=at(days_ahead(1), 10, 30),
    )
    SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group,
        teacher=world.teacher,
        starts_at=at(days_ahead(2), 9),
        status=Session.Status.CANCELLED,
    )
    SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group,
        teacher=world.teacher,
        starts_at=at(days_ahead(-2), 9),
    )
    other_craft = make_craft(world.programme, title="竹编", slug="bamboo")
    SessionFactory(
        lesson=make_lesson(other_craft, title="竹编小篮子", slug="basket"),
        class_group=world.class_group,
        teacher=world.teacher,
        starts_at=at(days_ahead(1), 14),
    )
    return world, sooner, later


def test_itinerary_lists_the_craftsmans_next_sessions_in_order(client, trips):
    world, sooner, later = trips
    client.force_login(world.craftsman)
    response = client.get(reverse("heritage:itinerary"))
    assert response.status_code == 200
    html = response.content.decode()
    shown = [int(pk) for pk in _sessions(html)]
    # Today's 09:00 session counts while it has not ended; cancelled, past and others' do not.
    expected = [sooner.pk, later.pk]
    if timezone.localtime(world.session.ends_at) > timezone.localtime():
        expected.insert(0, world.session.pk)
    assert shown == expected
    assert "10:30–11:10" in html and "14:00–14:40" in html
    assert "桃源幼儿园" in html and "大一班教室" in html
    assert "明珠幼儿园" in html and "明珠幼多功能厅" in html
    assert "扎染初体验" in html
    for item in ("白布", "夹子", "染料"):
        assert f'<input type="checkbox"> {item}' in html
    assert "竹编小篮子" not in html


def _sessions(html):
    return re.findall(r'data-session="(\d+)"', html)


def test_only_craftsmen_open_it_and_find_it_in_the_workspace(client, world, rf):
    for user in (world.teacher, world.manager, UserFactory(role="judge")):
        client.force_login(user)
        assert client.get(reverse("heritage:itinerary")).status_code == 403
    client.logout()
    assert client.get(reverse("heritage:itinerary")).status_code == 302
    request = rf.get("/")
    request.user = world.craftsman
    assert reverse("heritage:itinerary") in [item.url for item in workspace_items(request)]
    request.user = world.teacher
    assert reverse("heritage:itinerary") not in [item.url for item in workspace_items(request)]


def test_another_craftsman_sees_none_of_these_sessions(client, trips):
    world, sooner, _later = trips
    stranger = UserFactory(role="craftsman")
    client.force_login(stranger)
    html = client.get(reverse("heritage:itinerary")).content.decode()
    assert _sessions(html) == [] and "桃源幼儿园" not in html
    assert "还没有为您安排课程" in html


@pytest.mark.parametrize("extra", [1, 25])
def test_itinerary_query_count_does_not_grow(
    client, world, warm_shell, extra, django_assert_max_num_queries
):
    for i in range(extra):
        SessionFactory(
            lesson=world.lesson,
            class_group=world.class_group if i % 2 else world.class_group2,
            teacher=world.teacher if i % 2 else world.teacher2,
            starts_at=at(days_ahead(1 + i), 10),
        )
    client.force_login(world.craftsman)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("heritage:itinerary"))
    assert response.status_code == 200
    today = 1 if world.session.ends_at > timezone.now() else 0
    assert len(_sessions(response.content.decode())) == min(extra + today, 12)


def test_my_week_leads_a_craftsman_to_the_itinerary_and_a_teacher_not(client, world):
    client.force_login(world.craftsman)
    week = client.get(reverse("heritage:my_week")).content.decode()
    assert f'href="{reverse("heritage:itinerary")}"' in week
    client.force_login(world.teacher)
    week = client.get(reverse("heritage:my_week")).content.decode()
    assert f'href="{reverse("heritage:itinerary")}"' not in week
