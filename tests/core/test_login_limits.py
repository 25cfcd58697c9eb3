"""Guessing passwords on the site's login and the admin's is paused after a few tries."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN_PAGES = ("/accounts/login/", "/admin/login/")


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


@pytest.mark.parametrize("url", LOGIN_PAGES)
def test_wrong_passwords_are_paused_by_login_name(axes_on, url, user_factory):
    user = user_factory(username="editor", role="manager")
    user.set_password("correct horse battery staple")
    user.save()
    client = Client()
    statuses = [
        client.post(url, {"username": "editor", "password": f"guess{n}"}).status_code
        for n in range(8)
    ]
    assert statuses[:4] == [200] * 4  # the form again, with its error
    assert statuses[-1] == 429
    # From another address, the right password is still paused for this login name.
    other = Client(REMOTE_ADDR="10.0.0.9")
    response = other.post(url, {"username": "editor", "password": "correct horse battery staple"})
    assert response.status_code == 429
    assert "密码错误次数过多" in response.content.decode()


def test_one_address_trying_many_names_is_paused(axes_on, user_factory):
    client = Client(REMOTE_ADDR="10.0.0.7")
    for n in range(6):
        client.post("/accounts/login/", {"username": f"user{n}", "password": "x"})
    assert client.post("/accounts/login/", {"username": "zz", "password": "y"}).status_code == 429


def test_behind_the_proxy_each_visitor_counts_apart(axes_on, settings, user_factory):
    settings.BEHIND_PROXY = True
    for n in range(6):
        Client(HTTP_X_FORWARDED_FOR="10.1.1.1").post(
            "/accounts/login/", {"username": f"user{n}", "password": "x"}
        )
    assert (
        Client(HTTP_X_FORWARDED_FOR="10.1.1.1")
        .post("/accounts/login/", {"username": "a", "password": "b"})
        .status_code
        == 429
    )
    user = user_factory(username="teacher1", role="teacher")
    user.set_password("another long password")
    user.save()
    response = Client(HTTP_X_FORWARDED_FOR="10.2.2.2").post(
        "/accounts/login/", {"username": "teacher1", "password": "another long password"}
    )
    assert response.status_code == 302
