"""The lesson review workflow is kept in place after migrate and found by its assignment."""

import pytest
from django.apps import apps
from django.db.models.signals import post_migrate
from django.urls import reverse
from django.utils import translation
from wagtail.models import Workflow, WorkflowPage, WorkflowState

from heritage.models import LessonPage
from heritage.services import review
from heritage.signals import sync_after_migrate

pytestmark = pytest.mark.django_db


def migrated(app_label="heritage"):
    """What ``migrate`` sends for an app once its migrations have run."""
    config = apps.get_app_config(app_label)
    post_migrate.send(
        sender=config,
        app_config=config,
        verbosity=0,
        interactive=False,
        using="default",
        apps=apps,
        plan=[],
    )


def test_a_new_programme_page_gets_the_review_workflow(world):
    workflow = WorkflowPage.objects.get(page=world.programme).workflow
    assert workflow.name == review.WORKFLOW_NAME
    assert list(workflow.tasks.get().specific.groups.values_list("name", flat=True)) == ["manager"]


def test_renaming_the_workflow_in_the_admin_never_makes_a_second_one(world):
    workflow = review.lesson_workflow(world.programme)
    workflow.name = "课例审核（管理员改名）"
    workflow.save()
    task = workflow.tasks.get()
    task.name = "审核课例（改名）"
    task.save()
    count = Workflow.objects.count()

    migrated()
    assert review.ensure_lesson_workflow() == workflow
    assert Workflow.objects.count() == count
    assert WorkflowPage.objects.get(page=world.programme).workflow == workflow
    assert workflow.tasks.get() == task


def test_after_migrate_only_the_heritage_app_restores_a_removed_assignment(world):
    workflow = review.lesson_workflow(world.programme)
    WorkflowPage.objects.filter(page=world.programme).delete()
    count = Workflow.objects.count()

    sync_after_migrate(sender=apps.get_app_config("core"))
    assert not WorkflowPage.objects.filter(page=world.programme).exists()

    migrated()
    # The unassigned workflow is taken back rather than a duplicate made.
    assert WorkflowPage.objects.get(page=world.programme).workflow == workflow
    assert Workflow.objects.count() == count


def test_a_workflow_without_a_task_gets_the_managers_review(world):
    workflow = review.lesson_workflow(world.programme)
    workflow.workflow_tasks.all().delete()
    review.ensure_lesson_workflow()
    review.ensure_lesson_workflow()
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == ["manager"]


def test_a_request_never_creates_a_workflow(client, world):
    WorkflowPage.objects.filter(page=world.programme).delete()
    count = Workflow.objects.count()
    client.force_login(world.craftsman)
    data = {
        "title": "扎染小手帕",
        "age_band": "middle",
        "duration_minutes": "40",
        "goals": "认识扎染的工具",
        "materials": "白手帕",
        "safety_notes": "",
        "tags": "",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
        "steps-0-title": "第1步",
        "steps-0-text": "用皮筋扎紧",
        "steps-0-tip": "",
    }
    with translation.override("en"):
        url = reverse("heritage:lesson_new", args=[world.craft.pk])
    assert client.post(url, data).status_code == 302
    page = LessonPage.objects.get(title="扎染小手帕")
    assert not page.live
    assert Workflow.objects.count() == count
    assert not WorkflowPage.objects.filter(page=world.programme).exists()
    # What review it gets is the site's own workflow above the programme page, if any.
    state = WorkflowState.objects.filter(object_id=str(page.pk)).first()
    assert state is None or state.workflow == world.programme.get_workflow()
