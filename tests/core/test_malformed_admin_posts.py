import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "tampered",
    [
        {"intro": "{not json"},
        {"body-count": "abc"},
        {"body-count": "1", "body-0-type": "heading", "body-0-deleted": "", "body-0-order": "zz"},
    ],
)
def test_a_tampered_page_editor_post_is_a_400_and_changes_nothing(
    client, site_tree, user_factory, tampered
):
    client.force_login(user_factory(username="manager-t", role="manager"))
    page = site_tree.sections["academy.AcademyPage"]
    revisions = page.revisions.count()
    client.raise_request_exception = False
    response = client.post(
        f"/admin/pages/{page.pk}/edit/", {"title": "改过的标题", "slug": page.slug, **tampered}
    )
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()
    page.refresh_from_db()
    assert page.title == "劳模工匠学院"
    assert page.revisions.count() == revisions


def test_other_errors_are_not_hidden(client, site_tree, user_factory, monkeypatch):
    def broken(request):
        raise ValueError("not a form problem")

    monkeypatch.setattr("core.views.workspace_items", broken)
    client.raise_request_exception = False
    client.force_login(user_factory(username="someone-t"))
    assert client.get("/workspace/").status_code == 500


def test_an_admin_post_that_hits_a_real_bug_is_a_500_not_a_400(
    client, site_tree, user_factory, monkeypatch
):
    from wagtail.admin.views.pages.edit import EditView

    def buggy(self, request, *args, **kwargs):
        raise KeyError("a real bug, not a tampered form")

    monkeypatch.setattr(EditView, "post", buggy)
    client.force_login(user_factory(username="manager-t", role="manager"))
    page = site_tree.sections["academy.AcademyPage"]
    client.raise_request_exception = False
    response = client.post(f"/admin/pages/{page.pk}/edit/", {"title": "改过的标题"})
    assert response.status_code == 500
