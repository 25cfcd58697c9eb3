"""The history of a roll call: each change after the first save, per child, where people work."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry

from heritage.models import RollCall, Session
from heritage.services import roll_call as service
from tests.factories import UserFactory
from tests.factories.heritage import ChildFactory, SessionFactory

from .test_roll_call import marks, roll_url

pytestmark = pytest.mark.django_db


def edits():
    return ModelLogEntry.objects.filter(action="heritage.roll_call.edit")


def test_a_change_after_the_first_save_records_old_new_reason_who_and_when(client, world):
    c = world.children
    client.force_login(world.teacher)
    client.post(roll_url(world), marks(c, c1=("late", "")))
    assert not edits().exists()  # the first save is the roll call, not a change
    client.force_login(world.craftsman)
    response = client.post(roll_url(world), marks(c, c0=("absent", "发烧"), c1=("present", "")))
    assert response.status_code == 302
    entry = edits().get()
    assert entry.user == world.craftsman
    assert sorted(entry.data["changes"], key=lambda ch: ch["child"]) == sorted(
        [
            {"child": c[0].pk, "name": c[0].display_name, "old": "present", "old_reason": "",
             "new": "absent", "reason": "发烧"},
            {"child": c[1].pk, "name": c[1].display_name, "old": "late", "old_reason": "",
             "new": "present", "reason": ""},
        ],
        key=lambda ch: ch["child"],
    )  # fmt: skip
    html = client.get(roll_url(world)).content.decode()
    section = html.split('id="roll-changes"')[1]
    assert "应师傅" in section and entry.timestamp.astimezone().strftime("%Y-%m-%d") in section
    first = section.split(f'data-change="{c[0].pk}">')[1].split("</li>")[0]
    assert "Present" in first and "Absent" in first and "发烧" in first and "→" in first
    assert f'data-change="{c[2].pk}"' not in section  # an unchanged child is not listed


def test_an_unchanged_resave_records_nothing_and_keeps_last_changed(client, world):
    client.force_login(world.teacher)
    data = marks(world.children, c0=("absent", "发烧"))
    client.post(roll_url(world), data, follow=True)
    response = client.post(roll_url(world), data, follow=True)
    assert [str(m) for m in response.context["messages"]][0] == (
        "Nothing changed: the roll call is as it was."
    )
    roll = RollCall.objects.get()
    assert roll.updated_at is None and roll.updated_by is None
    assert not edits().exists()
    assert "No change since the roll call was first saved." in response.content.decode()
    assert "Last changed by" not in response.content.decode()


def test_the_admin_history_shows_the_change_text(client, world):
    c = world.children
    marks_ = {x.pk: ("present", "") for x in c}
    service.save_roll_call(world.session, world.teacher, marks_)
    service.save_roll_call(world.session, world.teacher, {**marks_, c[3].pk: ("excused", "回老家")})
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    html = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    # the admin speaks Chinese by default
    assert f"点名已修改：{c[3].display_name}：出勤 → 请假（回老家）" in html


def test_the_sessions_admin_history_shows_the_change_text(client, world):
    c = world.children
    marks_ = {x.pk: ("present", "") for x in c}
    service.save_roll_call(world.session, world.teacher, marks_)
    service.save_roll_call(world.session, world.craftsman, {**marks_, c[1].pk: ("late", "堵车")})
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    url = reverse("wagtailsnippets_heritage_session:history", args=[world.session.pk])
    html = client.get(url).content.decode()
    assert f"点名已修改：{c[1].display_name}：出勤 → 迟到（堵车）" in html
    assert "已点名" in html  # the first save, before the change


def test_the_admin_history_reads_chinese(world):
    c = world.children
    service.save_roll_call(world.session, world.teacher, {c[0].pk: ("present", "")})
    service.save_roll_call(world.session, world.teacher, {c[0].pk: ("absent", "发烧")})
    entry = edits().get()
    with translation.override("zh-hans"):
        message = registry.get_formatter(entry).format_message(entry)
    assert message == f"点名已修改：{c[0].display_name}：出勤 → 缺勤（发烧）"


def test_another_teacher_cannot_read_the_history(client, world):
    service.save_roll_call(world.session, world.teacher, {world.children[0].pk: ("present", "")})
    service.save_roll_call(world.session, world.teacher, {world.children[0].pk: ("late", "")})
    client.force_login(world.teacher2)
    assert client.get(roll_url(world)).status_code == 404


def _count(fn):
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def _measure(client, session, children):
    """Queries of a changing save, an unchanged re-save and the page with its history."""
    url = reverse("heritage:roll_call", args=[session.pk])
    service.save_roll_call(session, session.teacher, {c.pk: ("present", "") for c in children})
    late = {c.pk: ("late", "堵车") for c in children}
    changed = _count(lambda: service.save_roll_call(session, session.teacher, late))
    unchanged = _count(lambda: service.save_roll_call(session, session.teacher, late))
    client.get(url)
    page = _count(lambda: client.get(url))
    assert len(edits().filter(object_id=str(session.pk)).get().data["changes"]) == len(children)
    return changed, unchanged, page


def test_saving_a_change_and_reading_the_history_cost_the_same_queries_for_5_and_40(client, world):
    ContentType.objects.get_for_model(Session)
    client.force_login(world.teacher)
    small = _measure(client, world.session, world.children)
    ChildFactory.create_batch(35, class_group=world.class_group)
    other = SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group,
        teacher=world.teacher,
        starts_at=world.session.starts_at - datetime.timedelta(days=1),
        season=world.season,
    )
    children = list(world.class_group.children.all())
    assert len(children) == 40
    large = _measure(client, other, children)
    assert small == large
    assert small[0] <= 14 and small[1] < small[0], small
