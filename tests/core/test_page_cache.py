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


UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
    }
}


def test_with_the_cache_down_pages_are_served_uncached(client, site_tree, settings, user_factory):
    settings.CACHES = UNREACHABLE_REDIS
    for url in ("/", "/heritage/", "/en/academy/", "/contests/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["X-Page-Cache"] != "hit"
    assert client.get("/healthz").status_code == 503
    client.force_login(user_factory(username="ops", role="manager"))
    assert client.get("/healthz").json()["cache"]["ok"] is False
    assert client.get("/academy/").status_code == 200


def test_a_change_drops_only_the_pages_that_show_it(client, site_tree):
    from core.cache import invalidate_pages

    for url in ("/", "/heritage/", "/academy/", "/contests/"):
        client.get(url)
    invalidate_pages("heritage")
    assert client.get("/heritage/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "miss"  # the home page shows every section
    assert client.get("/academy/")["X-Page-Cache"] == "hit"
    assert client.get("/contests/")["X-Page-Cache"] == "hit"


def test_publishing_a_page_inside_a_section_drops_that_section_only(client, site_tree):
    from academy.models import TrackPage

    academy = site_tree.sections["academy.AcademyPage"]
    for url in ("/heritage/", "/academy/", "/contests/"):
        client.get(url)
    track = academy.add_child(instance=TrackPage(title="名师带徒", slug="mentoring", live=False))
    track.save_revision().publish()
    response = client.get("/academy/")
    assert response["X-Page-Cache"] == "miss"
    assert client.get("/academy/mentoring/").status_code == 200
    assert client.get("/heritage/")["X-Page-Cache"] == "hit"
    assert client.get("/contests/")["X-Page-Cache"] == "hit"


def test_a_page_reads_each_cache_version_once_for_itself_and_all_its_parts(
    client, site_tree, user_factory
):
    from unittest import mock

    from django.core.cache import cache

    client.force_login(user_factory(username="reader"))
    client.get("/academy/")  # the parts are built and stored once
    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
        for url in ("/academy/", "/accounts/login/", "/heritage/"):
            get_many.reset_mock()
            assert client.get(url).status_code == 200
            read = [
                key
                for call in get_many.call_args_list
                for key in call.args[0]
                if key.startswith("pages:version:")
            ]
            assert read.count("pages:version:site") == 1, (url, read)
            assert len(read) == len(set(read)), (url, read)
