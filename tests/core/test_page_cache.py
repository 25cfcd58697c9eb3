import pytest

pytestmark = pytest.mark.django_db


def test_anonymous_pages_are_cached_and_dropped_on_publish(client, site_tree):
    first = client.get("/heritage/")
    assert first["X-Page-Cache"] == "miss"
    second = client.get("/heritage/")
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content

    page = site_tree.sections["heritage.ProgrammePage"]
    page.title = "非遗小匠人传承行动"
    page.save_revision().publish()

    third = client.get("/heritage/")
    assert third["X-Page-Cache"] == "miss"
    assert "非遗小匠人传承行动" in third.content.decode()


def test_cached_page_is_served_without_queries(client, site_tree, django_assert_num_queries):
    client.get("/academy/")
    with django_assert_num_queries(0):
        assert client.get("/academy/").status_code == 200


def test_logged_in_users_are_never_served_from_the_cache(client, site_tree, user_factory):
    client.get("/contests/")
    client.force_login(user_factory(username="reader"))
    response = client.get("/contests/")
    assert "X-Page-Cache" not in response
    assert "我的工作台" in response.content.decode()


def test_languages_are_cached_apart(client, site_tree):
    client.get("/academy/")
    english = client.get("/en/academy/")
    assert '<html lang="en">' in english.content.decode()
