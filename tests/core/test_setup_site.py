"""The operator's first run: the real site, without any demo data, built twice the same."""

import io

import pytest
from django.core.management import call_command
from wagtail.models import Page, Site, WorkflowPage

from contests.models import ContestIndexPage
from core.models import HomePage
from heritage.models import Child, ProgrammePage

pytestmark = pytest.mark.django_db


def test_setup_site_builds_the_sections_without_demo_data(client):
    out = io.StringIO()
    call_command("setup_site", stdout=out)
    call_command("setup_site", stdout=io.StringIO())  # idempotent
    assert HomePage.objects.count() == 1
    home = HomePage.objects.get()
    assert [page.slug for page in home.get_children()] == ["academy", "contests", "heritage"]
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert not Page.objects.filter(slug="home", content_type__model="page").exists()
    assert not Child.objects.exists()
    # The workflows come with the sections they belong to.
    assert WorkflowPage.objects.filter(page=ContestIndexPage.objects.get()).exists()
    assert WorkflowPage.objects.filter(page=ProgrammePage.objects.get()).exists()
    for url in ("/", "/academy/", "/contests/", "/heritage/", "/en/heritage/"):
        assert client.get(url).status_code == 200, url
    assert "createsuperuser" in out.getvalue()
