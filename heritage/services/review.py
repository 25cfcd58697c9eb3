"""The review of craftsmen's lesson drafts through Wagtail's moderation workflow: the
workflow of the programme page, submitting a draft to it, and each lesson's review status."""

from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy
from wagtail.models import (
    GroupApprovalTask,
    Page,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)

from core.roles import MANAGER

from ..models import ProgrammePage

WORKFLOW_NAME = "非遗课例审核"
TASK_NAME = "管理员审核课例"


# ---------------------------------------------------------------- the workflow


def lesson_workflow(programme=None):
    """The workflow lessons go through: the one assigned to the programme page (or above it).

    When nothing is assigned to the programme page itself, the "Heritage lesson review"
    workflow (created by a data migration, or here when missing) is assigned to it, so that
    managers, not only Wagtail's moderators, review the craftsmen's drafts.
    """
    programme = programme or ProgrammePage.objects.first()
    if programme is None:
        return None
    if not WorkflowPage.objects.filter(page=programme).exists():
        WorkflowPage.objects.create(page=programme, workflow=ensure_review_workflow())
    return programme.get_workflow()


def ensure_review_workflow():
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    if not workflow.workflow_tasks.exists():
        task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=TASK_NAME, active=True)
            task.groups.set(Group.objects.filter(name=MANAGER))
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def submit(page, user, workflow):
    """Start the workflow on a page, or resume it when changes were asked for."""
    state = WorkflowState.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id=str(page.pk),
        status__in=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES],
    ).first()
    if state is None:
        workflow.start(page, user)
    elif state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
    # In progress: the reviewer approves the latest revision, which is this one.


# ---------------------------------------------------------------- status for the listing


STATUS_LABELS = {
    "live": gettext_lazy("Published"),
    "live_changes": gettext_lazy("Published; changes not yet published"),
    "draft": gettext_lazy("Draft, not published"),
    "in_moderation": gettext_lazy("Awaiting a manager's review"),
    "needs_changes": gettext_lazy("Changes requested"),
}


@dataclass
class LessonRow:
    page: object
    status: str
    comment: str = ""
    badges: list = field(default_factory=list)

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


def lesson_rows(lessons):
    """Each lesson with its moderation status (and the reviewer's comment), in three queries."""
    lessons = list(lessons)
    ids = [str(page.pk) for page in lessons]
    states = {}
    if ids:
        for state in (
            WorkflowState.objects.filter(
                base_content_type=ContentType.objects.get_for_model(Page),
                object_id__in=ids,
                status__in=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES],
            )
            .select_related("current_task_state")
            .order_by("created_at")
        ):
            states[state.object_id] = state
    rows = []
    for page in lessons:
        state = states.get(str(page.pk))
        if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            task_state = state.current_task_state
            comment = task_state.comment if task_state else ""
            rows.append(LessonRow(page, "needs_changes", comment))
        elif state is not None:
            rows.append(LessonRow(page, "in_moderation"))
        elif page.live and page.has_unpublished_changes:
            rows.append(LessonRow(page, "live_changes"))
        elif page.live:
            rows.append(LessonRow(page, "live"))
        else:
            rows.append(LessonRow(page, "draft"))
    return rows


def awaiting_review(page):
    return WorkflowState.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id=str(page.pk),
        status=WorkflowState.STATUS_IN_PROGRESS,
    ).exists()


def changes_requested(page):
    """The reviewer's comment when a manager asked for changes, else None."""
    state = (
        WorkflowState.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id=str(page.pk),
            status=WorkflowState.STATUS_NEEDS_CHANGES,
        )
        .select_related("current_task_state")
        .first()
    )
    if state is None:
        return None
    task_state = state.current_task_state
    if task_state and task_state.status == TaskState.STATUS_REJECTED:
        return task_state.comment or ""
    return ""
