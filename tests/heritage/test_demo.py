"""The demo: what a visitor of `make run` finds, and the demo twins' scopes."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from heritage.models import (
    Attendance,
    Child,
    ClassGroup,
    CraftPage,
    Kindergarten,
    LessonPage,
    PlanEntry,
    Season,
    Session,
)
from heritage.services import rotation, scheduling

pytestmark = pytest.mark.django_db


def user(name):
    return get_user_model().objects.get(username=name)


def test_demo_has_the_programme_and_is_idempotent(demo_data, monkeypatch):
    assert CraftPage.objects.count() == 11
    assert CraftPage.objects.filter(title="蓝印扎染").exists()
    assert Kindergarten.objects.count() == 11
    assert ClassGroup.objects.count() == 33
    assert Season.objects.count() == 4
    assert LessonPage.objects.count() >= 33
    for cg in ClassGroup.objects.all():
        assert 20 <= cg.children.count() <= 30
    assert rotation.rotation_problems(list(PlanEntry.objects.all())) == []
    assert Attendance.objects.exists()
    assert Season.current().starts_on <= timezone.localdate() <= Season.current().ends_on
    counts = (Child.objects.count(), Session.objects.count(), Attendance.objects.count())
    monkeypatch.setenv("DEMO_PASSWORD", "demo")
    call_command("seed_demo", stdout=io.StringIO())
    assert (Child.objects.count(), Session.objects.count(), Attendance.objects.count()) == counts


def test_demo_teacher_and_craftsman_have_sessions_this_week(demo_data):
    today = timezone.localdate()
    assert scheduling.week_sessions(user("demo-teacher"), today)
    assert scheduling.week_sessions(user("demo-craftsman"), today)
    assert CraftPage.objects.get(title="蓝印扎染").craftsman == user("demo-craftsman")


def test_demo_twins_do_not_see_each_other(client, demo_data):
    teacher, teacher2 = user("demo-teacher"), user("demo-teacher2")
    mine = Kindergarten.objects.get(teachers=teacher)
    theirs = Kindergarten.objects.get(teachers=teacher2)
    assert mine != theirs
    session = Session.objects.filter(
        class_group__kindergarten=mine, roll_call__isnull=False
    ).first()
    child = Child.objects.filter(class_group__kindergarten=mine).first()
    client.force_login(teacher2)
    assert client.get(reverse("heritage:roll_call", args=[session.pk])).status_code == 404
    assert (
        client.get(reverse("heritage:class_group", args=[child.class_group_id])).status_code == 404
    )
    report = client.get(reverse("heritage:reports") + "?by=child").content.decode()
    assert mine.short_name not in report and child.display_name not in report
    client.force_login(teacher)
    feed_url = client.get(reverse("heritage:feeds")).context["items"][0]["url"]
    client.force_login(teacher2)
    assert feed_url not in client.get(reverse("heritage:feeds")).content.decode()
