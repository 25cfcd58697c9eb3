"""Every answer carries a Content-Security-Policy: strict on the site, looser in the admin.

The site's pages may run only scripts and stylesheets served from the site: no inline script,
no event-handler attribute, no style attribute (a browser refuses them under this policy, so
the templates must not have them either). The Wagtail admin needs inline scripts and styles,
so paths under /admin/ get a policy allowing those, and nothing else more.
"""

import re
from pathlib import Path

import pytest

from contests.models import ContestIndexPage
from tests.factories.contests import make_contest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
STRICT = {
    "default-src": "'self'",
    "img-src": "'self' data: blob:",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, _sep, value = part.strip().partition(" ")
        directives[name] = value.strip()
    return directives


@pytest.mark.parametrize(
    "path",
    ["/", "/en/", "/heritage/", "/academy/", "/contests/", "/verify/", "/accounts/login/"],
)
def test_public_pages_carry_the_strict_policy(client, site_tree, path):
    response = client.get(path)
    assert response.status_code == 200
    assert policy(response) == STRICT


def test_cached_pages_and_refusals_carry_it_too(client, site_tree):
    client.get("/academy/")
    cached = client.get("/academy/")
    assert cached["X-Page-Cache"] == "hit"
    assert policy(cached) == STRICT
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert policy(missing) == STRICT


def test_the_registration_form_carries_it(client, site_tree, contest_page):
    response = client.get(contest_page.url + "register/")
    assert response.status_code == 200
    assert policy(response) == STRICT


@pytest.fixture
def contest_page(site_tree):
    return make_contest(ContestIndexPage.objects.get())


def test_admin_pages_work_under_their_own_policy(client, site_tree, user_factory):
    login = client.get("/admin/login/")
    assert login.status_code == 200
    admin = policy(login)
    assert admin["script-src"] == "'self' 'unsafe-inline'"
    assert admin["style-src"] == "'self' 'unsafe-inline'"
    assert admin["frame-ancestors"] == "'self'"  # the editor frames its own previews
    for name in ("default-src", "img-src", "object-src", "base-uri", "form-action"):
        assert admin[name] == STRICT[name]

    client.force_login(user_factory(username="boss", role="manager", is_superuser=True))
    for path in ("/admin/", "/admin/pages/", f"/admin/pages/{site_tree.home.pk}/edit/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert policy(response) == admin


INLINE = [
    (
        re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"),
        "inline script",
    ),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event-handler attribute"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style[\s>]", re.I), "style element"),
    (re.compile(r"javascript:", re.I), "javascript: link"),
]


def test_no_template_of_ours_has_what_the_policy_refuses():
    found = []
    for path in sorted(
        p
        for app in ("core", "heritage", "academy", "contests")
        for p in (ROOT / app / "templates").rglob("*.html")
    ):
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not found, "\n".join(found)
