"""Lesson drafts of craftsmen: saved as Wagtail revisions and sent to the moderation workflow.

A craftsman writes or edits the lessons of the crafts they teach. Nothing they write goes
live by itself: a new lesson is created unpublished, an edit of a published lesson is a new
revision, and both are submitted to the workflow of the programme page, where a manager
approves (and so publishes) or asks for changes in the Wagtail admin.
"""

import html
import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Collection, Page, TaskState, Workflow, WorkflowPage, WorkflowState

from core.roles import CRAFTSMAN, has_role

from .models import CraftPage, LessonPage, ProgrammePage

WORKFLOW_NAME = "非遗课例审核"
TASK_NAME = "管理员审核课例"
MAX_STEPS = 30


class DraftError(Exception):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


# ---------------------------------------------------------------- scope


def crafts_of(user):
    """The crafts whose lessons a user may draft: the ones they teach, if a craftsman."""
    if not user.is_authenticated or not has_role(user, CRAFTSMAN):
        return CraftPage.objects.none()
    return CraftPage.objects.filter(craftsman=user).order_by("path")


def lessons_of(user):
    """Lessons (published or not) under the crafts a craftsman teaches."""
    scope = Q(pk__in=[])
    for path, depth in crafts_of(user).values_list("path", "depth"):
        scope |= Q(path__startswith=path, depth=depth + 1)
    return LessonPage.objects.filter(scope).order_by("path")


# ---------------------------------------------------------------- rich text <-> plain text


def text_to_paragraphs(text):
    """Plain text from a textarea as rich text: one paragraph per non-empty line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "".join(f"<p>{html.escape(line)}</p>" for line in lines)


def lines_to_list(text):
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"


_BLOCK_END = re.compile(r"</(p|li|h[1-6]|div)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def richtext_to_lines(value):
    """Rich text back to plain lines, for the textarea of the draft form."""
    text = _BLOCK_END.sub("\n", str(value or ""))
    text = html.unescape(_TAG.sub("", text))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


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
    from django.contrib.auth.models import Group
    from wagtail.models import GroupApprovalTask, WorkflowTask

    from core.roles import MANAGER

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


def _submit(page, user, workflow):
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


# ---------------------------------------------------------------- saving a draft


@dataclass
class StepInput:
    title: str
    text: str
    tip: str = ""
    image: object = None  # an uploaded file to store as a new image
    keep_image_id: int | None = None  # the image already on the step
    original_text_html: str | None = None  # the step's rich text when the text is unchanged


@dataclass
class LessonInput:
    title: str
    age_band: str
    duration_minutes: int
    goals: str  # one goal per line
    materials: str
    safety_notes: str
    steps: list
    tags: list
    original_goals_html: str | None = None


def _store_image(upload, title, user):
    Image = get_image_model()
    image = Image(
        title=title[:255] or upload.name,
        file=upload,
        uploaded_by_user=user,
        collection=Collection.get_first_root_node(),
    )
    image.save()
    return image


def _steps_data(steps, lesson_title, user):
    data = []
    for number, step in enumerate(steps, start=1):
        image_id = step.keep_image_id
        if step.image is not None:
            image_id = _store_image(step.image, f"{lesson_title} · {number}. {step.title}", user).pk
        value = {
            "title": step.title,
            "text": step.original_text_html or text_to_paragraphs(step.text),
            "image": {
                "image": image_id or None,
                "decorative": False,
                "alt_text": step.title if image_id else "",
            },
            "tip": step.tip,
        }
        data.append({"type": "step", "value": value})
    return data


def _apply(page, data, user):
    page.title = data.title
    page.draft_title = data.title
    page.age_band = data.age_band
    page.duration_minutes = data.duration_minutes
    page.goals = data.original_goals_html or lines_to_list(data.goals)
    page.materials = "\n".join(line.strip() for line in data.materials.splitlines() if line.strip())
    page.safety_notes = data.safety_notes.strip()
    page.steps = _steps_data(data.steps, data.title, user)
    page.tags.set(data.tags)


def _unique_slug(craft, title, exclude_pk=None):
    # ASCII only: a Chinese title would make a percent-encoded address that reads badly
    # when shared; such lessons get "lesson", "lesson-2", ...
    base = slugify(title)[:60] or "lesson"
    taken = set(craft.get_children().exclude(pk=exclude_pk).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def _validation_message(error):
    if hasattr(error, "message_dict"):
        return "; ".join(f"{' '.join(m)}" for m in error.message_dict.values())
    return "; ".join(error.messages)


@transaction.atomic
def create_draft(craft, data, user):
    """A new, unpublished lesson under a craft, submitted for review. Returns the page."""
    workflow = lesson_workflow(craft.get_parent().specific)
    page = LessonPage(
        title=data.title,
        slug=_unique_slug(craft, data.title),
        live=False,
        owner=user,
    )
    _apply(page, data, user)
    try:
        craft.add_child(instance=page)
    except ValidationError as error:
        raise DraftError(_validation_message(error)) from error
    page.save_revision(user=user, log_action=False)
    log(instance=page, action="wagtail.create", user=user)
    if workflow is not None:
        _submit(page, user, workflow)
    return page


@transaction.atomic
def save_draft(lesson, data, user):
    """A new revision of a lesson (its live version stays as it is), submitted for review."""
    craft = lesson.get_parent().specific
    workflow = lesson_workflow(craft.get_parent().specific)
    page = lesson.get_latest_revision_as_object()
    _apply(page, data, user)
    try:
        page.full_clean()
    except ValidationError as error:
        raise DraftError(_validation_message(error)) from error
    if not lesson.live:
        page.save()  # an unpublished page holds its draft in the row too, like the admin does
    page.save_revision(user=user, log_action=True, clean=False)
    if workflow is not None:
        _submit(page, user, workflow)
    return page
