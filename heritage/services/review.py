"""The review of craftsmen's lesson drafts through Wagtail's moderation workflow.

Lessons go through the workflow assigned to the programme page (WorkflowPage): that assignment
is how the review workflow is found, never its name, so a manager may rename it (or its task)
in the admin. ``ensure_lesson_workflow`` keeps it in place, idempotently: after ``migrate`` (a
``post_migrate`` receiver), when the programme page is created, and when the demo is seeded.
A request never creates it: with no workflow assigned, a draft is saved but not submitted.
"""

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

# The names given when the workflow is first made (migration 0004 or ensure_lesson_workflow).
WORKFLOW_NAME = "非遗课例审核"
TASK_NAME = "管理员审核课例"


# ---------------------------------------------------------------- the workflow


def lesson_workflow(programme):
    """The active workflow lessons under the programme page go through (its own or an
    ancestor's), or None."""
    return programme.get_workflow() if programme is not None else None


def ensure_lesson_workflow():
    """The programme page has a review workflow whose first task managers review; idempotent.

    When nothing is assigned to the programme page yet, the workflow migration 0004 made is
    adopted while it is assigned to no page (the only time a name is used: it is found again
    through the assignment afterwards), or a new one is made. A workflow without an active task
    would publish every draft at once, so a managers' approval task is added to one that has
    none. Returns the workflow, or None while there is no programme page.
    """
    programme = ProgrammePage.objects.order_by("path").first()
    if programme is None:
        return None
    assignment = WorkflowPage.objects.filter(page=programme).select_related("workflow").first()
    if assignment is not None:
        workflow = assignment.workflow
    else:
        workflow = (
            Workflow.objects.filter(name=WORKFLOW_NAME, workflow_pages__isnull=True)
            .order_by("pk")
            .first()
        ) or Workflow.objects.create(name=WORKFLOW_NAME, active=True)
        WorkflowPage.objects.create(page=programme, workflow=workflow)
    if not workflow.tasks.exists():
        task = GroupApprovalTask.objects.create(name=TASK_NAME, active=True)
        order = workflow.workflow_tasks.count()
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=order)
    for task in GroupApprovalTask.objects.filter(workflow_tasks__workflow=workflow):
        if not task.groups.exists():  # nobody but a superuser could approve
            task.groups.set(Group.objects.filter(name=MANAGER))
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
