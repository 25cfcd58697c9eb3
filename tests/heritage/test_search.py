"""The site search over the heritage programme: lessons by tag and text, crafts, no child."""

import pytest

pytestmark = pytest.mark.django_db


def search(client, q):
    return client.get("/search/", {"q": q}).content.decode()


def test_a_lesson_is_found_by_its_tag_and_its_materials(client, world):
    assert world.lesson.url in search(client, "大班")  # a tag only
    html = search(client, "夹子")  # a line of the materials
    assert world.lesson.url in html and "<mark>夹子</mark>" in html


def test_a_craft_is_found_by_its_short_name(client, world):
    html = search(client, "蓝印")
    assert world.craft.url in html and 'id="search-group-crafts"' in html


def test_children_and_kindergartens_class_groups_are_not_searched(client, world):
    for child in world.children:
        html = search(client, child.display_name)
        assert 'class="search-hit"' not in html
    assert 'class="search-hit"' not in search(client, "明珠孩子")
