"""Teaching sites (教学点) as pages: where they go in the tree, the activities held there."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.test.utils import WagtailPageTestCase

from academy.models import (
    AcademyPage,
    ActivityPage,
    StudioIndexPage,
    TeachingSiteIndexPage,
    TeachingSitePage,
    TrackPage,
)
from core.models import HomePage


class TeachingSiteTreeTests(WagtailPageTestCase):
    def test_sites_go_under_their_index_under_the_academy(self):
        self.assertCanCreateAt(AcademyPage, TeachingSiteIndexPage)
        self.assertCanCreateAt(TeachingSiteIndexPage, TeachingSitePage)
        self.assertAllowedSubpageTypes(TeachingSiteIndexPage, {TeachingSitePage})
        self.assertAllowedSubpageTypes(TeachingSitePage, set())

    def test_nowhere_else(self):
        self.assertCanNotCreateAt(HomePage, TeachingSiteIndexPage)
        self.assertCanNotCreateAt(AcademyPage, TeachingSitePage)
        self.assertCanNotCreateAt(StudioIndexPage, TeachingSitePage)
        self.assertCanNotCreateAt(TrackPage, TeachingSitePage)
        self.assertCanNotCreateAt(TeachingSiteIndexPage, ActivityPage)


@pytest.fixture
def tree(site_tree):
    academy = site_tree.sections["academy.AcademyPage"]
    track = academy.add_child(instance=TrackPage(title="名师带徒", slug="mentoring-x"))
    index = academy.add_child(instance=TeachingSiteIndexPage(title="教学点", slug="sites-x"))
    site = index.add_child(
        instance=TeachingSitePage(
            title="锦屏服装实训教学点",
            slug="jinping",
            address="锦屏街道示范路 18 号",
            contact_unit="某服饰有限公司",
            description="<p>企业车间里的裁剪实训。</p>",
        )
    )
    return {"academy": academy, "track": track, "index": index, "site": site}


def _activity(tree, title, days, site=True, live=True):
    starts = timezone.now() + datetime.timedelta(days=days)
    activity = tree["track"].add_child(
        instance=ActivityPage(
            title=title,
            slug=f"a-{title}",
            starts_at=starts,
            place="车间",
            summary="示范与练习",
            teaching_site=tree["site"] if site else None,
            live=live,
        )
    )
    return activity


def test_the_activity_page_links_to_its_teaching_site(client, tree):
    activity = _activity(tree, "裁剪示范课", 5)
    html = client.get(activity.url).content.decode()
    assert tree["site"].url in html
    assert "锦屏服装实训教学点" in html and "锦屏街道示范路 18 号" in html
    other = _activity(tree, "普通讲座", 6, site=False)
    assert tree["site"].url not in client.get(other.url).content.decode()


def test_the_site_page_lists_its_upcoming_and_past_activities(client, tree):
    _activity(tree, "下周推版课", 7)
    _activity(tree, "上月排料课", -30)
    _activity(tree, "别处的讲座", 3, site=False)
    _activity(tree, "未发布的课", 4, live=False)
    response = client.get(tree["site"].url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "某服饰有限公司" in html and "企业车间里的裁剪实训" in html
    upcoming, past = html.split("往期活动")
    assert "下周推版课" in upcoming and "上月排料课" in past
    assert "别处的讲座" not in html and "未发布的课" not in html
    index = client.get(tree["index"].url).content.decode()
    assert tree["site"].url in index and "锦屏街道示范路 18 号" in index
    assert tree["index"].url in client.get(tree["academy"].url).content.decode()


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_site_page_costs_the_same_with_more_activities(client, tree, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader"))  # uncached pages
    _activity(tree, "课0", 2)
    _activity(tree, "课-1", -2)
    small = _queries(client, tree["site"].url)
    for n in range(1, 12):
        _activity(tree, f"课{n}", n + 2)
        _activity(tree, f"课-{n + 1}", -n - 2)
    assert _queries(client, tree["site"].url) == small
    assert small <= 15


def test_the_demo_has_teaching_sites_with_their_activities(client, demo_data):
    sites = TeachingSitePage.objects.live()
    assert sites.count() == 4
    for site in sites:
        assert site.activities.live().exists()
    site = sites.order_by("title").first()
    activity = site.activities.live().first()
    assert activity.title in client.get(site.url).content.decode()
    assert site.url in client.get(activity.url).content.decode()
