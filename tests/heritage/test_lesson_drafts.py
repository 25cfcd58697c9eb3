"""Craftsmen draft and edit the lessons of their craft; managers approve them in the admin."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from wagtail.images import get_image_model
from wagtail.models import Page, Revision, WorkflowState

from heritage.models import LessonPage
from heritage.services import review
from tests.factories import UserFactory
from tests.factories.heritage import make_craft, make_lesson

pytestmark = pytest.mark.django_db


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def lesson_data(steps=1, **overrides):
    data = {
        "title": "扎染小手帕",
        "age_band": "middle",
        "duration_minutes": "40",
        "goals": "认识扎染的工具\n完成一块小手帕",
        "materials": "白手帕\n皮筋\n蓝色染料",
        "safety_notes": "染料不入口，戴手套。",
        "tags": "扎染，中班、手帕",
        "steps-TOTAL_FORMS": str(steps),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
    }
    for index in range(steps):
        data[f"steps-{index}-title"] = f"第{index + 1}步"
        data[f"steps-{index}-text"] = "把手帕捏成小揪揪\n用皮筋扎紧"
        data[f"steps-{index}-tip"] = ""
    data.update(overrides)
    return data


def awaiting(page):
    return WorkflowState.objects.filter(
        object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS
    )


@pytest.fixture
def other_craft(world):
    other = UserFactory(username="craftsman2", first_name="周师傅", role="craftsman")
    craft = make_craft(world.programme, title="奉化布龙", craftsman=other, slug="bulong")
    return craft, make_lesson(craft, title="布龙初体验", slug="bulong-1")


# ---------------------------------------------------------------- listing and reach


def test_workspace_links_craftsmen_to_their_lessons(client, world):
    client.force_login(world.craftsman)
    response = client.get(en("core:workspace"))
    assert en("heritage:my_lessons") in response.content.decode()
    client.force_login(world.teacher)
    assert en("heritage:my_lessons") not in client.get(en("core:workspace")).content.decode()


def test_my_lessons_lists_the_craft_lessons_with_their_status(client, world, other_craft):
    draft = make_lesson(world.craft, title="扎染草稿", slug="draft", live=False)
    client.force_login(world.craftsman)
    response = client.get(en("heritage:my_lessons"))
    assert response.status_code == 200
    text = response.content.decode()
    assert world.lesson.title in text and draft.title in text
    assert "Published" in text and "Draft, not published" in text
    assert "布龙初体验" not in text  # another craft's lesson
    assert en("heritage:lesson_new", world.craft.pk) in text


def test_my_lessons_query_count_does_not_grow_with_lessons(
    client, world, warm_shell, django_assert_max_num_queries
):
    client.force_login(world.craftsman)
    for n in range(2):
        make_lesson(world.craft, title=f"课{n}", slug=f"few-{n}")
    client.get(en("heritage:my_lessons"))  # the first request creates the site's settings row
    with django_assert_max_num_queries(16) as few:
        client.get(en("heritage:my_lessons"))
    for n in range(15):
        make_lesson(world.craft, title=f"多课{n}", slug=f"many-{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(en("heritage:my_lessons"))
    assert response.content.decode().count("lesson-row ") == 18


@pytest.mark.parametrize("who", ["teacher", "manager"])
def test_other_roles_are_refused(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(en("heritage:my_lessons")).status_code == 403
    assert client.get(en("heritage:lesson_new", world.craft.pk)).status_code == 403
    assert client.get(en("heritage:lesson_edit", world.lesson.pk)).status_code == 403
    assert client.post(en("heritage:lesson_edit", world.lesson.pk), lesson_data()).status_code == (
        403
    )


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get(en("heritage:my_lessons"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_craft_is_out_of_scope(client, world, other_craft):
    craft, lesson = other_craft
    client.force_login(world.craftsman)
    assert client.get(en("heritage:lesson_new", craft.pk)).status_code == 404
    assert client.post(en("heritage:lesson_new", craft.pk), lesson_data()).status_code == 404
    assert client.get(en("heritage:lesson_edit", lesson.pk)).status_code == 404
    assert client.post(en("heritage:lesson_edit", lesson.pk), lesson_data()).status_code == 404
    assert client.get(en("heritage:lesson_preview", lesson.pk)).status_code == 404
    assert not LessonPage.objects.filter(title="扎染小手帕").exists()


def test_unknown_and_non_numeric_ids(client, world):
    client.force_login(world.craftsman)
    assert client.get(en("heritage:lesson_edit", 999999)).status_code == 404
    assert client.get(en("heritage:lesson_new", world.lesson.pk)).status_code == 404  # not a craft
    assert client.get("/en/app/heritage/lessons/abc/edit/").status_code == 404
    assert client.get("/en/app/heritage/crafts/x/lessons/new/").status_code == 404


# ---------------------------------------------------------------- a new draft


def test_craftsman_drafts_a_new_lesson_sent_for_review(client, world, png_bytes):
    client.force_login(world.craftsman)
    photo = SimpleUploadedFile("step.png", png_bytes(), content_type="image/png")
    data = lesson_data(steps=2, **{"steps-1-image": photo, "steps-1-tip": "慢慢来"})
    response = client.post(en("heritage:lesson_new", world.craft.pk), data, follow=True)
    assert response.status_code == 200
    assert "sent to a manager for review" in response.content.decode()

    page = LessonPage.objects.get(title="扎染小手帕")
    assert page.get_parent().pk == world.craft.pk
    assert page.slug == "za-ran-xiao-shou-pa"  # a readable address, not "lesson-2"
    assert not page.live and page.owner == world.craftsman
    assert page.age_band == "middle" and page.duration_minutes == 40
    assert "<li>认识扎染的工具</li>" in page.goals
    assert sorted(t.name for t in page.tags.all()) == ["中班", "手帕", "扎染"]
    steps = list(page.steps)
    assert [s.value["title"] for s in steps] == ["第1步", "第2步"]
    assert "<p>用皮筋扎紧</p>" in str(steps[0].value["text"])
    assert steps[1].value["image"].title.startswith("扎染小手帕")
    assert steps[1].value["tip"] == "慢慢来"
    assert Revision.page_revisions.filter(object_id=str(page.pk)).count() == 1

    state = awaiting(page).get()
    assert state.requested_by == world.craftsman
    assert state.current_task_state.task.name == review.TASK_NAME
    # The public does not see it.
    client.logout()
    assert client.get(world.craft.url).content.decode().count("扎染小手帕") == 0


def test_manager_sees_the_draft_awaiting_review_and_approval_publishes(client, world, png_bytes):
    client.force_login(world.craftsman)
    client.post(en("heritage:lesson_new", world.craft.pk), lesson_data())
    page = LessonPage.objects.get(title="扎染小手帕")
    world.manager.is_staff = True
    world.manager.save()
    client.force_login(world.manager)
    dashboard = client.get("/admin/").content.decode()
    assert "扎染小手帕" in dashboard  # "Awaiting your review"
    task_state = awaiting(page).get().current_task_state
    task_state.specific.approve(user=world.manager)
    page.refresh_from_db()
    assert page.live
    client.logout()
    assert client.get(page.url).status_code == 200


def test_page_after_approval_without_login_shows_the_lesson(client, world):
    client.force_login(world.craftsman)
    client.post(en("heritage:lesson_new", world.craft.pk), lesson_data(title="新课"))
    page = LessonPage.objects.get(title="新课")
    awaiting(page).get().current_task_state.specific.approve(user=world.manager)
    client.logout()
    response = client.get(LessonPage.objects.get(pk=page.pk).url)
    assert "用皮筋扎紧" in response.content.decode()


# ---------------------------------------------------------------- editing


def test_edit_of_a_published_lesson_is_a_revision_not_live(client, world):
    client.force_login(world.craftsman)
    url = en("heritage:lesson_edit", world.lesson.pk)
    form = client.get(url)
    assert form.status_code == 200
    assert "认识扎染" in form.content.decode()  # the goals as lines
    data = lesson_data(title="扎染初体验（新版）")
    data.update(
        {
            "steps-TOTAL_FORMS": "2",
            "steps-INITIAL_FORMS": "1",
            "steps-0-title": "折布",
            "steps-0-text": "把布折好",
            "steps-1-title": "",
            "steps-1-text": "",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    live = LessonPage.objects.get(pk=world.lesson.pk)
    assert live.title == "扎染初体验" and live.live  # the public version is untouched
    assert live.has_unpublished_changes
    latest = live.get_latest_revision_as_object()
    assert latest.title == "扎染初体验（新版）"
    assert [s.value["title"] for s in latest.steps] == ["折布"]
    assert str(latest.steps[0].value["text"]) == "<p>把布折好</p>"  # unchanged text kept as is
    assert awaiting(live).count() == 1
    assert sorted(t.name for t in live.tags.all()) == ["大班", "扎染"]  # live tags unchanged

    # Editing again while awaiting review keeps one workflow: the reviewer sees the latest.
    data["title"] = "扎染初体验（第三版）"
    assert client.post(url, data).status_code == 302
    assert awaiting(live).count() == 1
    live.refresh_from_db()
    assert live.get_latest_revision_as_object().title == "扎染初体验（第三版）"


def test_edit_after_changes_requested_resumes_the_review(client, world):
    client.force_login(world.craftsman)
    url = en("heritage:lesson_edit", world.lesson.pk)
    data = lesson_data(**{"steps-INITIAL_FORMS": "1"})
    client.post(url, data)
    state = awaiting(world.lesson).get()
    state.current_task_state.specific.reject(user=world.manager, comment="请补充安全提示")
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES

    listing = client.get(en("heritage:my_lessons")).content.decode()
    assert "Changes requested" in listing and "请补充安全提示" in listing
    assert "请补充安全提示" in client.get(url).content.decode()

    client.post(url, data)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS


def test_existing_step_image_is_kept_or_removed(client, world, png_bytes):
    client.force_login(world.craftsman)
    photo = SimpleUploadedFile("step.png", png_bytes(), content_type="image/png")
    client.post(en("heritage:lesson_new", world.craft.pk), lesson_data(**{"steps-0-image": photo}))
    page = LessonPage.objects.get(title="扎染小手帕")
    image = page.get_latest_revision_as_object().steps[0].value["image"]
    url = en("heritage:lesson_edit", page.pk)
    assert "step-image" in client.get(url).content.decode()
    data = lesson_data(**{"steps-INITIAL_FORMS": "1", "title": "改标题"})
    client.post(url, data)
    latest = LessonPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert latest.steps[0].value["image"].pk == image.pk
    data["steps-0-remove_image"] = "on"
    client.post(url, data)
    latest = LessonPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert latest.steps[0].value["image"] is None


def test_preview_shows_the_latest_draft(client, world):
    client.force_login(world.craftsman)
    client.post(
        en("heritage:lesson_edit", world.lesson.pk),
        lesson_data(title="预览标题", **{"steps-INITIAL_FORMS": "1"}),
    )
    response = client.get(en("heritage:lesson_preview", world.lesson.pk))
    assert response.status_code == 200
    assert "预览标题" in response.content.decode()


# ---------------------------------------------------------------- refused input


def assert_refused(response, *messages):
    assert response.status_code == 400
    text = response.content.decode()
    for message in messages:
        assert message in text, message
    assert LessonPage.objects.filter(title="扎染小手帕").count() == 0


def test_missing_fields_are_refused_beside_the_fields(client, world):
    client.force_login(world.craftsman)
    count = LessonPage.objects.count()
    response = client.post(
        en("heritage:lesson_new", world.craft.pk),
        lesson_data(title="", goals="", age_band="giant", duration_minutes="9999"),
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert text.count('class="error"') >= 4
    assert "This field is required." in text
    assert "Select a valid choice." in text
    assert "less than or equal to 180" in text
    assert LessonPage.objects.count() == count


def test_a_lesson_needs_a_step(client, world):
    client.force_login(world.craftsman)
    data = lesson_data(**{"steps-0-title": "", "steps-0-text": ""})
    assert_refused(
        client.post(en("heritage:lesson_new", world.craft.pk), data),
        "A lesson needs at least one step.",
    )


def test_step_without_text_is_refused(client, world):
    client.force_login(world.craftsman)
    data = lesson_data(**{"steps-0-text": ""})
    assert_refused(
        client.post(en("heritage:lesson_new", world.craft.pk), data), "This field is required."
    )


def test_missing_management_form_is_refused(client, world):
    client.force_login(world.craftsman)
    data = {k: v for k, v in lesson_data().items() if not k.startswith("steps-")}
    assert_refused(client.post(en("heritage:lesson_new", world.craft.pk), data), "steps")


def test_non_image_upload_is_refused_and_nothing_saved(client, world):
    client.force_login(world.craftsman)
    images = get_image_model().objects.count()
    fake = SimpleUploadedFile("step.png", b"not an image at all", content_type="image/png")
    pdf = SimpleUploadedFile("step.pdf", b"%PDF-1.4", content_type="application/pdf")
    data = lesson_data(steps=2, **{"steps-0-image": fake, "steps-1-image": pdf})
    response = client.post(en("heritage:lesson_new", world.craft.pk), data)
    assert_refused(response)
    errors = re.findall(r'<p class="error" role="alert">([^<]+)</p>', response.content.decode())
    assert len(errors) == 2
    assert all(e.startswith("Upload a valid image.") for e in errors)
    assert get_image_model().objects.count() == images
    assert Page.objects.filter(title="扎染小手帕").count() == 0


def test_oversized_image_is_refused(client, world, png_bytes):
    """Up to 25 MB a picture is made smaller (test_photo_privacy.py); above, it is refused."""
    client.force_login(world.craftsman)
    big = png_bytes() + b"\0" * (25 * 1024 * 1024)
    photo = SimpleUploadedFile("big.png", big, content_type="image/png")
    response = client.post(
        en("heritage:lesson_new", world.craft.pk), lesson_data(**{"steps-0-image": photo})
    )
    assert_refused(response)
    text = response.content.decode()
    assert "“big.png” is larger than 25 MB." in text


def test_too_many_steps_and_tags_are_refused(client, world):
    client.force_login(world.craftsman)
    data = lesson_data(steps=31, tags="，".join(f"标签{n}" for n in range(11)))
    data["steps-TOTAL_FORMS"] = "31"
    response = client.post(en("heritage:lesson_new", world.craft.pk), data)
    assert_refused(response, "At most 10 tags.")


def test_wrong_method_on_preview(client, world):
    client.force_login(world.craftsman)
    assert client.post(en("heritage:lesson_preview", world.lesson.pk)).status_code == 405


def test_locked_lesson_cannot_be_changed(client, world):
    world.lesson.locked = True
    world.lesson.locked_by = world.manager
    world.lesson.save()
    client.force_login(world.craftsman)
    response = client.post(
        en("heritage:lesson_edit", world.lesson.pk),
        lesson_data(**{"steps-INITIAL_FORMS": "1"}),
    )
    assert response.status_code == 400
    assert "locked" in response.content.decode()
    assert not LessonPage.objects.get(pk=world.lesson.pk).has_unpublished_changes


def test_workflow_is_assigned_to_the_programme(world):
    workflow = review.lesson_workflow(world.programme)
    assert workflow.name == review.WORKFLOW_NAME
    assert world.lesson.get_workflow() == workflow
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == ["manager"]


def test_new_lessons_get_readable_pinyin_addresses(client, world):
    client.force_login(world.craftsman)
    for title in ("扎染小手帕", "扎染小手帕", "Indigo 2"):
        client.post(en("heritage:lesson_new", world.craft.pk), lesson_data(title=title))
    slugs = list(
        LessonPage.objects.child_of(world.craft).order_by("pk").values_list("slug", flat=True)
    )
    assert slugs[-3:] == ["za-ran-xiao-shou-pa", "za-ran-xiao-shou-pa-2", "indigo-2"]
