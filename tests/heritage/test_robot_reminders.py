"""Reminders reach WeCom groups as well as inboxes: each kindergarten's teacher group and the
craftsmen's group have a robot (群机器人) whose webhook managers set in the admin. A local
stand-in of WeCom (tests/wecom_server.py) records what each robot receives."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from core import outbox
from core.models import PendingTask
from heritage import tasks
from heritage.models import HeritageSettings, Kindergarten
from tests.factories import UserFactory
from tests.factories.heritage import SessionFactory, at

pytestmark = pytest.mark.django_db

KG_TASK = "heritage.tasks.send_kindergarten_robot"
CRAFTSMEN_TASK = "heritage.tasks.send_craftsmen_robot"

KG_KEY = "11111111-aaaa-4bbb-8ccc-000000000001"
KG2_KEY = "22222222-aaaa-4bbb-8ccc-000000000002"
CRAFTSMEN_KEY = "33333333-aaaa-4bbb-8ccc-000000000003"
WECOM_WEBHOOK = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KG_KEY}"


def _kindergarten_form(kg, webhook):
    return {
        "name": kg.name,
        "short_name": kg.short_name,
        "address": kg.address,
        "teachers": [t.pk for t in kg.teachers.all()],
        "robot_webhook": webhook,
    }


def test_a_manager_sets_a_kindergartens_robot_and_the_list_shows_it_masked(client, world):
    client.force_login(world.manager)
    url = reverse("wagtailsnippets_heritage_kindergarten:edit", args=[world.kg.pk])
    response = client.post(url, _kindergarten_form(world.kg, WECOM_WEBHOOK))
    assert response.status_code == 302
    world.kg.refresh_from_db()
    assert world.kg.robot_webhook == WECOM_WEBHOOK
    listing = client.get(reverse("wagtailsnippets_heritage_kindergarten:list"))
    html = listing.content.decode()
    assert "send?key=…0001" in html
    assert KG_KEY not in html


@pytest.mark.parametrize(
    "webhook",
    [
        f"http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KG_KEY}",
        f"https://example.com/cgi-bin/webhook/send?key={KG_KEY}",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
    ],
)
def test_an_address_that_is_not_a_robots_webhook_is_refused_with_a_message(client, world, webhook):
    client.force_login(world.manager)
    url = reverse("wagtailsnippets_heritage_kindergarten:edit", args=[world.kg.pk])
    response = client.post(url, _kindergarten_form(world.kg, webhook))
    assert response.status_code == 200
    assert "复制 Webhook 地址" in response.content.decode()
    assert "robot_webhook" in response.context["form"].errors
    assert Kindergarten.objects.get(pk=world.kg.pk).robot_webhook == ""


def test_a_manager_sets_the_craftsmens_robot_in_the_settings(client, world):
    client.force_login(world.manager)
    site = Site.objects.get(is_default_site=True)
    url = reverse("wagtailsettings:edit", args=["heritage", "heritagesettings", site.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"craftsmen_robot_webhook": "https://evil.cn/hook?key=x"})
    assert bad.status_code == 200
    assert "复制 Webhook 地址" in bad.content.decode()
    assert HeritageSettings.for_site(site).craftsmen_robot_webhook == ""
    good = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={CRAFTSMEN_KEY}"
    assert client.post(url, {"craftsmen_robot_webhook": good}).status_code == 302
    assert HeritageSettings.for_default_site().craftsmen_robot_webhook == good


def test_teachers_cannot_open_the_robot_settings(client, world):
    client.force_login(world.teacher)
    site = Site.objects.get(is_default_site=True)
    url = reverse("wagtailsettings:edit", args=["heritage", "heritagesettings", site.pk])
    good = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={CRAFTSMEN_KEY}"
    assert client.get(url).status_code == 302
    assert client.post(url, {"craftsmen_robot_webhook": good}).status_code == 302
    assert not HeritageSettings.objects.filter(craftsmen_robot_webhook=good).exists()


# ---------------------------------------------------------------- the day before


@pytest.fixture
def tomorrow_classes(world):
    """Tomorrow: two classes in 桃源 (one by a craftsman without email), one in 明珠."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    silent = UserFactory(username="silent", first_name="周师傅", email="", role="craftsman")
    peach = SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group,
        teacher=world.teacher,
        starts_at=at(tomorrow, 10),
        place="美工室",
    )
    peach_silent = SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group,
        teacher=world.teacher,
        craftsman=silent,
        starts_at=at(tomorrow, 14),
        place="多功能厅",
    )
    pearl = SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group2,
        teacher=world.teacher2,
        starts_at=at(tomorrow, 9),
        place="明珠礼堂",
    )
    return peach, peach_silent, pearl


def _set_robots(server, world, kg=True, kg2=True, craftsmen=True):
    if kg:
        Kindergarten.objects.filter(pk=world.kg.pk).update(robot_webhook=server.robot_url(KG_KEY))
    if kg2:
        Kindergarten.objects.filter(pk=world.kg2.pk).update(robot_webhook=server.robot_url(KG2_KEY))
    if craftsmen:
        robot = HeritageSettings.for_default_site()
        robot.craftsmen_robot_webhook = server.robot_url(CRAFTSMEN_KEY)
        robot.save()


def _remind(capture):
    with capture(execute=True):
        return tasks.send_session_reminders()


def _links(session):
    return (
        "http://testserver" + reverse("heritage:session", args=[session.pk]),
        "http://testserver" + reverse("heritage:roll_call", args=[session.pk]),
    )


def _content(post):
    assert post["msgtype"] == "markdown"
    return post["markdown"]["content"]


def test_each_kindergartens_robot_posts_its_own_classes_with_links(
    world, tomorrow_classes, wecom_robot, django_capture_on_commit_callbacks
):
    peach, peach_silent, pearl = tomorrow_classes
    _set_robots(wecom_robot, world, craftsmen=False)
    _remind(django_capture_on_commit_callbacks)

    [post] = wecom_robot.robot_posts(KG_KEY)
    content = _content(post)
    assert content.startswith("**桃源幼儿园")
    assert "10:00–10:40" in content and "14:00–14:40" in content
    assert "大一班" in content and "扎染初体验" in content
    assert "应师傅" in content and "周师傅" in content and "美工室" in content
    for url in (*_links(peach), *_links(peach_silent)):
        assert f"]({url})" in content
    assert "明珠" not in content and _links(pearl)[0] not in content

    [other] = wecom_robot.robot_posts(KG2_KEY)
    assert "明珠礼堂" in _content(other) and "桃源" not in _content(other)
    assert wecom_robot.robot_posts(CRAFTSMEN_KEY) == []
    assert set(PendingTask.objects.values_list("status", flat=True)) == {"done"}


def test_the_craftsmen_robot_reaches_a_craftsman_without_email(
    world, tomorrow_classes, wecom_robot, django_capture_on_commit_callbacks
):
    peach, peach_silent, pearl = tomorrow_classes
    _set_robots(wecom_robot, world, kg=False, kg2=False)
    _remind(django_capture_on_commit_callbacks)

    [post] = wecom_robot.robot_posts(CRAFTSMEN_KEY)
    content = _content(post)
    silent_part = content[content.index("**周师傅**") :]
    assert "桃源幼儿园 大一班" in silent_part and "14:00–14:40" in silent_part
    assert "多功能厅" in silent_part and _links(peach_silent)[1] in silent_part
    teacher_part = content[content.index("**应师傅**") : content.index("**周师傅**")]
    assert "明珠幼儿园" in teacher_part and "美工室" in teacher_part
    assert _links(pearl)[0] in teacher_part
    # The robot is the only way to 周师傅, who has no address: the emails went to the others.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "craftsman@example.com",
        "teacher2@example.com",
        "teacher@example.com",
    ]


def test_one_email_per_person_with_the_links(
    world, tomorrow_classes, wecom_robot, django_capture_on_commit_callbacks
):
    peach, peach_silent, pearl = tomorrow_classes
    assert _remind(django_capture_on_commit_callbacks) == 3
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    by_address = {m.to[0]: m.body for m in mail.outbox}
    assert set(by_address) == {
        "teacher@example.com",
        "teacher2@example.com",
        "craftsman@example.com",
    }
    teacher = by_address["teacher@example.com"]
    for url in (*_links(peach), *_links(peach_silent)):
        assert url in teacher
    assert _links(pearl)[0] not in teacher
    assert "课次" in teacher and "点名" in teacher
    # No robot is configured: nothing was posted and no row waits.
    assert wecom_robot.requests == []
    assert not PendingTask.objects.exists()


def test_a_refused_robot_stays_pending_with_its_error_and_the_rest_still_went(
    world, tomorrow_classes, wecom_robot, django_capture_on_commit_callbacks
):
    _set_robots(wecom_robot, world)
    wecom_robot.refused_robot_keys.add(KG_KEY)
    assert _remind(django_capture_on_commit_callbacks) == 3
    assert len(mail.outbox) == 3

    refused = PendingTask.objects.get(task_name=KG_TASK, args__0=world.kg.pk)
    assert refused.status == PendingTask.Status.PENDING
    assert "93000" in refused.last_error and KG_KEY not in refused.last_error
    assert PendingTask.objects.get(task_name=KG_TASK, args__0=world.kg2.pk).status == "done"
    assert PendingTask.objects.get(task_name=CRAFTSMEN_TASK).status == "done"
    assert len(wecom_robot.robot_posts(KG2_KEY)) == 1
    assert len(wecom_robot.robot_posts(CRAFTSMEN_KEY)) == 1

    # The manager pastes the right robot; the next try of the outbox posts the same message.
    wecom_robot.refused_robot_keys.clear()
    Kindergarten.objects.filter(pk=world.kg.pk).update(
        robot_webhook=wecom_robot.robot_url(KG_KEY.replace("1111", "4444"))
    )
    outbox.send_pending(older_than=0)
    refused.refresh_from_db()
    assert refused.status == PendingTask.Status.DONE
    [post] = wecom_robot.robot_posts(KG_KEY.replace("1111", "4444"))
    assert post == wecom_robot.robot_posts(KG_KEY)[0]


def test_classes_are_posted_once(
    world, tomorrow_classes, wecom_robot, django_capture_on_commit_callbacks
):
    _set_robots(wecom_robot, world)
    _remind(django_capture_on_commit_callbacks)
    posts = len(wecom_robot.robot_posts())
    assert posts == 3
    assert _remind(django_capture_on_commit_callbacks) == 0
    assert len(wecom_robot.robot_posts()) == posts


def test_many_classes_are_split_into_messages_within_wecoms_limit(
    world, wecom_robot, django_capture_on_commit_callbacks
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    sessions = [
        SessionFactory(
            lesson=world.lesson,
            class_group=world.class_group,
            teacher=world.teacher,
            starts_at=at(tomorrow, 7) + datetime.timedelta(minutes=10 * n),
            place="美工室" * 5,
        )
        for n in range(40)
    ]
    _set_robots(wecom_robot, world, kg2=False, craftsmen=False)
    _remind(django_capture_on_commit_callbacks)
    posts = [_content(p) for p in wecom_robot.robot_posts(KG_KEY)]
    assert len(posts) > 1
    assert all(len(p.encode()) <= 4096 and p.startswith("**桃源幼儿园") for p in posts)
    joined = "\n".join(posts)
    assert all(_links(s)[1] in joined for s in sessions)


def test_the_monday_report_goes_to_each_manager_alone_with_links(world):
    UserFactory(username="manager2", first_name="钱经理", role="manager")
    monday = timezone.localdate() + datetime.timedelta(days=7 - timezone.localdate().weekday())
    missing = SessionFactory(
        lesson=world.lesson,
        class_group=world.class_group,
        teacher=world.teacher,
        starts_at=at(monday - datetime.timedelta(days=3), 9),
    )
    assert tasks.report_missing_roll_calls(monday.isoformat()) >= 1
    assert sorted(m.to for m in mail.outbox) == [["manager2@example.com"], ["manager@example.com"]]
    for message in mail.outbox:
        assert all(url in message.body for url in _links(missing))
