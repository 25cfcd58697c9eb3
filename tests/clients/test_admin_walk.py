"""The Wagtail admin as demo-manager and demo-organizer really use it, on the whole demo.

Every menu entry, every snippet and model listing (search, each filter, ordering, pages,
CSV/XLSX export), every add, edit, inspect, history, usage and delete screen, and the page
editor (add and edit) of every page type: never a 500, Chinese labels, and forms that
answer a wrong entry with a message instead of an error page.
"""

import re

import pytest
from django.db import models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from wagtail.fields import StreamField
from wagtail.models import Page, get_page_models
from wagtail.snippets.models import get_snippet_models

from tests.clients.formdata import form_data

OUR_APPS = {"heritage", "academy", "contests", "core"}
ALLOWED = {200, 302, 403}
OBJECT_VIEWS = ("edit", "inspect", "delete", "history", "usage", "copy", "unpublish")
CJK = re.compile(r"[\u4e00-\u9fff]")

pytestmark = pytest.mark.django_db


def login(client, username):
    from django.contrib.auth import get_user_model

    client.raise_request_exception = True
    client.force_login(get_user_model().objects.get(username=username))
    return client


class Walk:
    """GETs each URL once and keeps every status outside ``allowed``.

    A row outside a role's scope is not found (404) for anyone but managers."""

    def __init__(self, client, allowed=ALLOWED):
        self.allowed = allowed
        self.client = client
        self.seen = {}
        self.failures = []

    def get(self, url):
        if url in self.seen:
            return self.seen[url]
        try:
            response = self.client.get(url)
        except Exception as error:  # noqa: BLE001 - the test reports every broken URL at once
            self.failures.append(f"{url}: {type(error).__name__}: {str(error)[:200]}")
            self.seen[url] = None
            return None
        if response.status_code not in self.allowed:
            self.failures.append(f"{url}: {response.status_code}")
        self.seen[url] = response
        return response


def menu_urls(html):
    """The admin URLs of the sidebar menu (its JSON props) and of the dashboard's links."""
    urls = set(re.findall(r'href="(/admin/[^"#]*)"', html))
    for props in re.findall(r'<script id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S):
        urls |= set(re.findall(r'"url": ?"(/admin/[^"]*)"', props))
    return {url.replace("&amp;", "&") for url in urls if "/logout/" not in url}


def walk_listing(walk, model):
    """The listing, its search, every filter's first choices, every sortable column, pages
    and exports. Returns the listing's URL."""
    viewset = model.snippet_viewset
    index = reverse(viewset.get_url_name("list"))
    response = walk.get(index)
    for query in ("q=王", "q=%00%27%22", "export=csv", "export=xlsx", "p=2", "p=abc"):
        walk.get(f"{index}?{query}")
    if response is None or response.status_code != 200 or not response.context:
        return index
    filters = response.context.get("filters")
    if filters:
        for name, field in filters.form.fields.items():
            choices = [value for value, _label in getattr(field, "choices", [])][:4]
            for value in choices:
                value = getattr(value, "value", value)
                if value not in ("", None):
                    walk.get(f"{index}?{name}={value}")
            walk.get(f"{index}?{name}=zzz")
    table = response.context.get("table")
    columns = table.columns.values() if table is not None else []
    for column in columns:
        if getattr(column, "sort_key", None):
            walk.get(f"{index}?ordering={column.sort_key}")
            walk.get(f"{index}?ordering=-{column.sort_key}")
    return index


def object_urls(viewset, obj):
    for name in OBJECT_VIEWS:
        try:
            yield reverse(viewset.get_url_name(name), args=[obj.pk])
        except NoReverseMatch:
            continue


@pytest.mark.parametrize("username", ["demo-manager", "demo-organizer"])
def test_admin_menu_and_every_listing_open(client, demo, username):
    allowed = ALLOWED if username == "demo-manager" else ALLOWED | {404}
    walk = Walk(login(client, username), allowed)
    dashboard = walk.get("/admin/")
    assert dashboard.status_code == 200
    html = dashboard.content.decode()
    assert 'lang="zh-hans"' in html and "控制面板" in html  # the admin speaks Chinese
    urls = menu_urls(html)
    assert len(urls) > 5
    for url in sorted(urls):
        walk.get(url)
    listed = {}
    for model in get_snippet_models():
        index = walk_listing(walk, model)
        listed[model] = walk.seen[index]
        try:
            walk.get(reverse(model.snippet_viewset.get_url_name("add")))
        except NoReverseMatch:
            pass
        for obj in model._default_manager.order_by("pk")[:2]:
            for url in object_urls(model.snippet_viewset, obj):
                walk.get(url)
    assert not walk.failures, "\n".join(walk.failures)
    untranslated = []
    if username == "demo-manager":
        with translation.override("zh-hans"):
            for model, response in listed.items():
                assert response.status_code == 200, model
                plural = str(model._meta.verbose_name_plural)
                if model._meta.app_label in OUR_APPS:
                    assert CJK.search(plural), f"{model.__name__}: untranslated {plural!r}"
                assert plural in response.content.decode(), model
                if model._meta.app_label not in OUR_APPS:
                    continue
                table = response.context.get("table")
                for name, column in table.columns.items() if table is not None else []:
                    if name == "bulk_actions":  # Wagtail's own, for screen readers
                        continue
                    label = str(column.label)
                    if label and not CJK.search(label):
                        untranslated.append(f"{model.__name__} column {label!r}")
                filters = response.context.get("filters")
                for name, field in filters.form.fields.items() if filters else []:
                    if field.label and not CJK.search(str(field.label)):
                        untranslated.append(f"{model.__name__} filter {name}: {field.label!r}")
        assert not untranslated, "\n".join(untranslated)
    else:
        # An organizer has no business with the heritage programme or the pairings.
        for model, response in listed.items():
            if model._meta.app_label in {"heritage", "academy"}:
                assert response.status_code in (302, 403), model
    assert len(walk.seen) > 100


# ------------------------------------------------------------------ forms


def untranslated_labels(form, model):
    """Labels of the model's own fields that have no Chinese."""
    if model._meta.app_label not in OUR_APPS:
        return []
    own = {f.name for f in model._meta.get_fields()}
    return [
        f"{model.__name__}.{name}: {field.label}"
        for name, field in form.fields.items()
        if name in own and field.label and not CJK.search(str(field.label))
    ]


def mistyped(form, data):
    """The entry a hurried user makes: letters in numbers, impossible dates, far too long
    text, a choice that is not offered. Choosers and inline ids stay as the page set them."""
    from django import forms as f

    data = dict(data)
    for name, field in form.fields.items():
        if name not in data or isinstance(field, f.ModelChoiceField):
            continue
        if isinstance(field, (f.DateField, f.DateTimeField, f.SplitDateTimeField)):
            data[name] = ["2025-02-30"]
        elif isinstance(field, f.TimeField):
            data[name] = ["25:61"]
        elif isinstance(field, (f.IntegerField, f.DecimalField, f.FloatField)):
            data[name] = ["十二"]
        elif isinstance(field, f.TypedChoiceField | f.ChoiceField):
            data[name] = ["zzz"]
        elif isinstance(field, f.CharField) and getattr(field, "max_length", None):
            data[name] = ["长" * (field.max_length + 1)]
    return data


def with_empty_streams(model, data):
    """StreamField inputs are built by the page's JavaScript: submit them as empty streams."""
    data = dict(data)
    for field in model._meta.get_fields():
        if isinstance(field, StreamField):
            data.setdefault(f"{field.name}-count", ["0"])
    return data


def shows_errors(response):
    html = response.content.decode()
    return response.status_code in (200, 400) and (
        "error-message" in html or "w-field__errors" in html or "help-critical" in html
    )


def snapshot(obj):
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if not isinstance(f, models.DateTimeField) or not (f.auto_now or f.auto_now_add)
    }


def post(client, url, data, failures, label, after=None):
    """POST inside a transaction that is rolled back; ``after()`` reads the database before
    the rollback, so it sees what the request really saved. Returns (response, what after read).
    """
    seen = None
    try:
        with transaction.atomic():
            response = client.post(url, data)
            if after is not None:
                seen = after()
            transaction.set_rollback(True)
    except Exception as error:  # noqa: BLE001
        failures.append(f"{label} {url}: {type(error).__name__}: {str(error)[:200]}")
        return None, None
    if response.status_code >= 500:
        failures.append(f"{label} {url}: {response.status_code}")
    return response, seen


def test_every_snippet_form_validates_with_messages(client, demo):
    login(client, "demo-manager")
    failures, labels = [], []
    for model in get_snippet_models():
        viewset = model.snippet_viewset
        try:
            add = reverse(viewset.get_url_name("add"))
        except NoReverseMatch:
            continue
        page = client.get(add)
        assert page.status_code == 200, add
        form = page.context["form"]
        labels += untranslated_labels(form, model)
        data = form_data(page.content.decode(), "") or {}
        blank, _seen = post(client, add, data, failures, "blank add")
        if blank is not None and blank.status_code == 200 and form.fields:
            if any(field.required for field in form.fields.values()):
                assert shows_errors(blank), f"{add}: a blank form was not answered with errors"
        bad = mistyped(form, data)
        if bad != data:
            count = model._default_manager.count
            wrong, rows = post(client, add, bad, failures, "mistyped add", count)
            if wrong is not None and rows != count():
                failures.append(f"{add}: mistyped values were saved")
            elif wrong is not None:
                assert shows_errors(wrong), f"{add}: mistyped values refused without a message"
        for obj in model._default_manager.order_by("pk")[:1]:
            edit = reverse(viewset.get_url_name("edit"), args=[obj.pk])
            page = client.get(edit)
            assert page.status_code == 200, edit
            form = page.context["form"]
            data = form_data(page.content.decode(), "") or {}
            unchanged, _seen = post(client, edit, data, failures, "unchanged edit")
            if unchanged is not None:
                # Saved: Wagtail redirects. A 200 is the form again, with errors.
                assert unchanged.status_code == 302, f"{edit}: the unchanged form was refused"
            before = snapshot(model._default_manager.get(pk=obj.pk))
            wrong, after = post(
                client,
                edit,
                mistyped(form, data),
                failures,
                "mistyped edit",
                lambda model=model, obj=obj: snapshot(model._default_manager.get(pk=obj.pk)),
            )
            if wrong is not None and after != before:
                failures.append(f"{edit}: mistyped values were saved")
            elif wrong is not None and wrong.status_code != 302:
                assert shows_errors(wrong), f"{edit}: mistyped values refused without a message"
    assert not failures, "\n".join(failures)
    assert not labels, "untranslated labels:\n" + "\n".join(labels)


def first_parent(model):
    for parent_model in model.allowed_parent_page_models():
        if parent_model is Page:
            continue
        parent = parent_model.objects.order_by("path").first()
        if parent is not None:
            return parent
    return None


def test_page_editor_opens_and_validates_for_every_page_type(client, demo):
    login(client, "demo-manager")
    failures, labels, opened = [], [], []
    for model in get_page_models():
        if model is Page or model._meta.app_label not in OUR_APPS:
            continue
        parent = first_parent(model)
        can_add = parent is not None and model.can_create_at(parent)
        if can_add:
            url = f"/admin/pages/add/{model._meta.app_label}/{model._meta.model_name}/{parent.pk}/"
            page = client.get(url)
            assert page.status_code == 200, url
            opened.append(url)
            form = page.context["form"]
            labels += untranslated_labels(form, model)
            data = with_empty_streams(model, form_data(page.content.decode(), "/add/") or {})
            blank, _seen = post(client, url, data, failures, "blank page")
            if blank is not None:
                assert shows_errors(blank), f"{url}: a page without a title was not refused"
            titled = dict(data, title=["测试页面"], slug=["ce-shi-ye-mian"])
            drafts = model.objects.filter(slug="ce-shi-ye-mian").count
            draft, saved = post(client, url, titled, failures, "draft page", drafts)
            if draft is not None and not saved and not shows_errors(draft):
                failures.append(f"{url}: a titled draft was neither saved nor explained")
            post(client, url, dict(titled, **{"action-publish": ["1"]}), failures, "publish page")
            post(client, url, mistyped(form, titled), failures, "mistyped page")
        existing = model.objects.order_by("path").first()
        if existing is not None:
            url = f"/admin/pages/{existing.pk}/edit/"
            page = client.get(url)
            assert page.status_code == 200, url
            opened.append(url)
            form = page.context["form"]
            labels += untranslated_labels(form, model)
            data = with_empty_streams(model, form_data(page.content.decode(), "/edit/") or {})
            post(client, url, data, failures, "save draft")
            post(client, url, mistyped(form, data), failures, "mistyped edit")
            for suffix in ("", "history/", "move/", "copy/", "delete/", "unpublish/", "usage/"):
                response = client.get(f"/admin/pages/{existing.pk}/{suffix}")
                if response.status_code not in ALLOWED:
                    failures.append(f"/admin/pages/{existing.pk}/{suffix}: {response.status_code}")
        assert can_add or existing is not None, f"{model.__name__}: no editor reached"
    assert not failures, "\n".join(failures)
    assert not labels, "untranslated labels:\n" + "\n".join(labels)
    assert len(opened) >= 10


def test_organizer_uses_the_admin_for_their_contests_only(client, demo):
    from contests.models import ContestPage

    login(client, "demo-organizer")
    walk = Walk(client)
    own = ContestPage.objects.filter(organizers__username="demo-organizer")
    others = ContestPage.objects.exclude(pk__in=own.values("pk"))
    assert own.exists() and others.exists()
    for contest in own:
        response = walk.get(f"/admin/pages/{contest.pk}/edit/")
        assert response.status_code == 200
        data = with_empty_streams(ContestPage, form_data(response.content.decode(), "/edit/"))
        failures = []
        saved, _seen = post(
            client, f"/admin/pages/{contest.pk}/edit/", data, failures, "organizer save"
        )
        assert not failures, failures
        assert saved.status_code == 302, "the organizer's unchanged contest page was refused"
    for contest in others[:3]:
        response = walk.get(f"/admin/pages/{contest.pk}/edit/")
        assert response.status_code in (302, 403, 404)
    assert not walk.failures, "\n".join(walk.failures)
    for name in ("heritage", "academy"):
        for model in get_snippet_models():
            if model._meta.app_label == name:
                response = walk.get(reverse(model.snippet_viewset.get_url_name("list")))
                assert response.status_code in (302, 403)
