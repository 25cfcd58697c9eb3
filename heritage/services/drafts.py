"""Lesson drafts of craftsmen: saved as Wagtail revisions and sent for review.

A craftsman writes or edits the lessons of the crafts they teach. Nothing they write goes
live by itself: a new lesson is created unpublished, an edit of a published lesson is a new
revision, and both are submitted to the workflow of the programme page (``review``), where a
manager approves (and so publishes) or asks for changes in the Wagtail admin.
"""

import html
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Collection

from core.photos import CleanedPhoto, clean_photo
from core.refusals import Refused
from core.roles import CRAFTSMAN, has_role
from core.slugs import unique_slug

from ..models import CraftPage, LessonPage
from .review import lesson_workflow, submit

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


# ---------------------------------------------------------------- saving a draft


@dataclass
class StepInput:
    title: str
    text: str
    tip: str = ""
    image: object = None  # a new picture (core.photos.CleanedPhoto, or an upload) to store
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


def _store_image(picture, title, user):
    """A step's picture as a Wagtail image, without location or device data."""
    if not isinstance(picture, CleanedPhoto):
        picture = clean_photo(picture, field="image")
    Image = get_image_model()
    image = Image(
        title=title[:255] or picture.file.name,
        file=picture.file,
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
    """A readable pinyin address (蓝印扎染初体验 → lan-yin-za-ran-chu-ti-yan), not "lesson-2"."""
    taken = set(craft.get_children().exclude(pk=exclude_pk).values_list("slug", flat=True))
    return unique_slug(title, taken, fallback="lesson")


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
        raise Refused(_validation_message(error)) from error
    page.save_revision(user=user, log_action=False)
    log(instance=page, action="wagtail.create", user=user)
    if workflow is not None:
        submit(page, user, workflow)
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
        raise Refused(_validation_message(error)) from error
    if not lesson.live:
        page.save()  # an unpublished page holds its draft in the row too, like the admin does
    page.save_revision(user=user, log_action=True, clean=False)
    if workflow is not None:
        submit(page, user, workflow)
    return page
