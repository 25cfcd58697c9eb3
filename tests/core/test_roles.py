import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission, Page

from core.roles import ROLES

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group():
    assert set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == set(ROLES)


def test_manager_may_edit_every_page_and_reach_the_admin():
    manager = Group.objects.get(name="manager")
    assert manager.permissions.filter(codename="access_admin").exists()
    assert manager.permissions.filter(codename="change_user").exists()
    root = Page.get_first_root_node()
    codenames = set(
        GroupPagePermission.objects.filter(group=manager, page=root).values_list(
            "permission__codename", flat=True
        )
    )
    assert {"add_page", "change_page", "publish_page"} <= codenames


@pytest.mark.parametrize("role", ["teacher", "craftsman", "mentor", "apprentice", "judge"])
def test_field_roles_have_no_admin_access(role):
    assert not Group.objects.get(name=role).permissions.filter(codename="access_admin").exists()
