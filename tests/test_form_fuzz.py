"""Post every form the crawl finds, empty and full of garbage, as every role.

For each role, the forms (method="post") on the pages a Chinese crawl reaches are posted:
- once empty;
- once per kind of garbage in every field, hidden ones included (very long text with markup,
  "-1", "1e309", "NaN", an impossible date; a text file for every file input);
- then as the page offers them (values, checked boxes, selected options) with one field at a
  time replaced by garbage, so the garbage also reaches the code behind a valid form.
Then every page taking query parameters (seen in links and filter forms) gets the same garbage
in each of them. The site must never answer 5xx; a post it refuses (anything but a redirect)
answers 4xx and says why on the page; a post it accepts leads to a page that still opens and
shows the garbage escaped. Failures name the form's action and the page it was found on.
"""

import os
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from core.demo import DEMO_LOGINS
from tests.crawler import Crawler, normalise, pattern_of

ROLES = [None, *DEMO_LOGINS]
SCRIPT = "<script>alert('fuzz')</script>"
GARBAGE = {
    "long": SCRIPT + "长" * 3000,
    "minus one": "-1",
    "overflow": "1e309",
    "nan": "NaN",
    "bad date": "2024-13-45",
    "nul": "a\x00b",  # PostgreSQL refuses NUL characters in text
}
QUERY_GARBAGE = ["-1", "1e309", "NaN", "2024-13-45", "9" * 25, SCRIPT, "a\x00b", ""]
# FUZZ_DEEP=1 replaces every field with every kind of garbage (slow: for a run by hand).
DEEP = bool(os.environ.get("FUZZ_DEEP"))
MUTATIONS_PER_FORM = 10_000 if DEEP else 8
# Posts that change what the other forms act on (delete, revoke, publish...) go last.
DESTRUCTIVE = re.compile(r"delete|remove|revoke|complete|cancel|publish|generate|unlock|status")
ERROR_MARK = re.compile(
    r'role="alert"|class="[^"]*\b(?:error|errorlist|form-errors|field--error|message--error)\b'
)
SKIP_ACTIONS = ("/accounts/logout/",)
# Django's own LoginView (mounted in config/urls.py) answers a refused login with 200.
REFUSED_WITH_200 = ("/accounts/login/",)


def not_an_image():
    return SimpleUploadedFile("photo.jpg", b"not an image at all", "image/jpeg")


def names_of(form):
    """Every field name once (radio groups and repeated names collapse), no CSRF token."""
    names = []
    for name, *_rest in form.fields:
        if name != "csrfmiddlewaretoken" and name not in names:
            names.append(name)
    return names


def kind_of(form, name):
    return next(kind for field, kind, *_rest in form.fields if field == name)


def garbage_data(form, value):
    return {
        name: not_an_image() if kind_of(form, name) == "file" else value for name in names_of(form)
    }


def as_offered(form):
    """What a browser sends for the form as the page shows it."""
    data = {}
    for name, _kind, _options, value, on in form.fields:
        if name == "csrfmiddlewaretoken" or not on:
            continue
        data.setdefault(name, []).append(value)
    return data


def forms_to_fuzz(client, user, label):
    crawl = Crawler(client, user, "zh-hans", limit=150, per_pattern=1, label=label).run(
        ["/", "/workspace/"]
    )
    unique = {}
    for form in crawl.forms:
        if not form.action or form.action.startswith(SKIP_ACTIONS):
            continue
        unique.setdefault((pattern_of(form.action), tuple(sorted(names_of(form)))), form)
    forms = sorted(unique.values(), key=lambda form: bool(DESTRUCTIVE.search(form.action)))
    return crawl, forms


def gone(client, form):
    """Whether the form is no longer offered: its page is gone or no longer posts there."""
    page = client.get(form.page)
    if page.status_code == 404:
        return True
    return f'action="{urlsplit(form.action).path}"' not in page.content.decode()


def check_answer(client, form, data, what, problems):
    where = f"POST {what} to {form.action} (form on {form.page})"
    response = client.post(form.action, data)
    status = response.status_code
    if status >= 500:
        problems.append(f"{status} for {where}")
        return
    if status in (301, 302, 303):
        target = normalise(response["Location"], form.action)
        if not target:
            return
        follow = client.get(target)
        if follow.status_code >= 500:
            problems.append(f"{follow.status_code} at {target} after accepted {where}")
        elif SCRIPT in follow.content.decode(errors="replace"):
            problems.append(f"unescaped markup at {target} after accepted {where}")
        return
    html = response.content.decode(errors="replace")
    if SCRIPT in html:
        problems.append(f"unescaped markup in the answer to {where}")
    if status == 404 and gone(client, form):
        return  # an earlier post deleted (or revoked) what this form acts on
    if status in (403, 404, 405):
        problems.append(f"{status} for {where}")
    elif status < 400 and not form.action.startswith(REFUSED_WITH_200):
        problems.append(f"refused with {status}, not 4xx: {where}")
    elif not ERROR_MARK.search(html):
        problems.append(f"refused ({status}) without an error message: {where}")


def fuzz(client, form, problems):
    check_answer(client, form, {}, "empty", problems)
    for what, value in GARBAGE.items():
        check_answer(client, form, garbage_data(form, value), f"{what} everywhere", problems)
    offered = as_offered(form)
    names = [name for name in names_of(form) if kind_of(form, name) != "button"]
    kinds = list(GARBAGE.items())
    for position, name in enumerate(names[:MUTATIONS_PER_FORM]):
        for what, value in kinds if DEEP else [kinds[position % len(kinds)]]:
            data = {**offered, name: not_an_image() if kind_of(form, name) == "file" else value}
            check_answer(client, form, data, f"{what} in {name}", problems)


def query_targets(crawl):
    """Each page taking query parameters (links with a query, filter forms), once per pattern,
    with every parameter name seen for it."""
    targets = {}
    candidates = [link for link in crawl.links if "?" in link]
    candidates += [form.action + "?" + "&".join(names_of(form)) for form in crawl.get_forms]
    for link in candidates:
        if not link or link.startswith(("/en/", "/accounts/")):
            continue
        path, _sep, query = link.partition("?")
        names = {name for name, _value in parse_qsl(query, keep_blank_values=True)}
        names |= {part for part in query.split("&") if part and "=" not in part}
        if names:
            targets.setdefault(pattern_of(path), (path, set()))[1].update(names)
    return sorted((path, sorted(names)) for path, names in targets.values())


def fuzz_query(client, path, names, problems):
    queries = [dict.fromkeys(names, value) for value in QUERY_GARBAGE]
    if len(names) > 1:  # one parameter at a time too: the first refused one hides the others
        queries += [{name: value} for name in names for value in ("a\x00b", "9" * 25, "-1")]
    for query in queries:
        url = f"{path}?{urlencode(query)}"
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{response.status_code} for GET {url}")
        elif response.get("Content-Type", "").startswith("text/html"):
            if SCRIPT in response.content.decode(errors="replace"):
                problems.append(f"unescaped markup at GET {url}")


@pytest.mark.parametrize("username", ROLES, ids=lambda name: name or "anonymous")
def test_forms_refuse_empty_and_garbage_posts(client, demo_data, username):
    client.raise_request_exception = False  # a 500 is reported with its URL, not raised
    user = None
    if username:
        user = get_user_model().objects.get(username=username)
        client.force_login(user)
    crawl, forms = forms_to_fuzz(client, user, username or "anonymous")
    assert forms, "the crawl found no form"
    problems = []
    for form in forms:
        fuzz(client, form, problems)
        if user is not None:
            client.force_login(user)  # a form may have logged out or changed the password
    targets = query_targets(crawl)
    for path, names in targets:
        fuzz_query(client, path, names, problems)
    print(
        f"{username or 'anonymous'}: {len(forms)} forms and {len(targets)} pages with query"
        f" parameters, from {len(crawl.visits)} pages"
    )
    assert not problems, "\n".join(problems)
