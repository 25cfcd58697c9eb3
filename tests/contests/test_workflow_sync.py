"""The results workflow and the organizers' page permissions are set up after migrate and when
the contest index is created, found again by their task, never duplicated."""

import pytest
from django.apps import apps
from django.core.management.sql import emit_post_migrate_signal
from wagtail.models import GroupPagePermission, Workflow

from contests.models import ContestIndexPage, ContestResultsTask
from contests.services.publishing import ensure_results_workflow, results_workflow

pytestmark = pytest.mark.django_db


def results_workflows():
    return Workflow.objects.filter(
        workflow_tasks__task__in=ContestResultsTask.objects.values("pk")
    ).distinct()


def test_migrate_sets_up_the_workflow_before_any_page_exists():
    assert not ContestIndexPage.objects.exists()
    workflow = results_workflow()
    assert workflow is not None and workflow.active
    assert workflow.tasks.get().specific.groups.filter(name="organizer").exists()


def test_renamed_workflow_is_found_again_not_duplicated():
    workflow = results_workflow()
    workflow.name = "竞赛成绩审核"
    workflow.save()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert ensure_results_workflow() == workflow
    assert list(results_workflows()) == [workflow]


def test_the_receiver_runs_for_the_contests_app_only():
    Workflow.objects.all().delete()
    ContestResultsTask.objects.all().delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default", apps=apps)
    assert results_workflows().count() == 1  # once, though every app sent post_migrate


def test_a_contest_index_created_after_migrate_gets_the_workflow_and_permissions(site_tree):
    index = ContestIndexPage.objects.get()
    assert index.get_workflow() == results_workflow(index)
    granted = GroupPagePermission.objects.filter(group__name="organizer", page=index)
    assert set(granted.values_list("permission__codename", flat=True)) == {
        "add_page",
        "change_page",
        "publish_page",
    }
    ensure_results_workflow()  # the demo seed calls it again: nothing more is made
    assert granted.count() == 3 and results_workflows().count() == 1
