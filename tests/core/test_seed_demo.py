import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page

from core.demo import DEMO_LOGINS

pytestmark = pytest.mark.django_db


def test_without_demo_password_no_login_is_created(monkeypatch, site_tree):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo", stdout=io.StringIO())
    assert not get_user_model().objects.filter(username__in=DEMO_LOGINS).exists()
    assert not get_user_model().objects.filter(username__startswith="demo-").exists()


def test_seed_creates_one_login_per_role_and_is_idempotent(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass")
    call_command("seed_demo", stdout=io.StringIO())
    pages, users = Page.objects.count(), get_user_model().objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Page.objects.count() == pages
    assert get_user_model().objects.count() == users
    for username, (role, _name) in DEMO_LOGINS.items():
        user = get_user_model().objects.get(username=username)
        assert user.check_password("demo-pass")
        assert user.groups.filter(name=role).exists()


def test_seed_rejects_a_silly_scale():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--scale"):
        call_command("seed_demo", scale=0, stdout=io.StringIO())


def test_sections_are_editable_pages_under_home(demo_data):
    home = Page.objects.get(depth=2)
    titles = list(home.get_children().live().values_list("title", flat=True))
    assert titles == ["劳模工匠学院", "技能竞赛", "非遗小匠人"]
