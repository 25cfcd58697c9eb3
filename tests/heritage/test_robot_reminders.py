"""Reminders reach WeCom groups as well as inboxes: each kindergarten's teacher group and the
craftsmen's group have a robot (群机器人) whose webhook managers set in the admin. A local
stand-in of WeCom (tests/wecom_server.py) records what each robot receives."""

import pytest
from django.urls import reverse
from wagtail.models import Site

from heritage.models import HeritageSettings, Kindergarten

pytestmark = pytest.mark.django_db

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
