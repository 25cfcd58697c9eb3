"""A craftsman's lessons: the list with their review status, the draft form and a preview."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from wagtail.models import Page

from core import pending
from core.refusals import Refused

from ..forms import LessonDraftForm, LessonStepFormSet
from ..services import drafts
from ..services.review import awaiting_review, changes_requested, lesson_rows
from .common import craftsman_required, require_form_methods


@require_safe
@craftsman_required
def my_lessons(request):
    crafts = list(drafts.crafts_of(request.user))
    rows = lesson_rows(drafts.lessons_of(request.user).select_related("latest_revision"))
    by_craft = {craft.pk: {"craft": craft, "rows": []} for craft in crafts}
    paths = {craft.path: craft.pk for craft in crafts}
    for row in rows:
        by_craft[paths[row.page.path[: -Page.steplen]]]["rows"].append(row)
    return render(request, "heritage/my_lessons.html", {"crafts": list(by_craft.values())})


def _step_initial(page):
    initial, images = [], []
    for block in page.steps:
        if block.block_type != "step":
            continue
        value = block.value
        initial.append(
            {
                "title": value.get("title") or "",
                "text": drafts.richtext_to_lines(value.get("text")),
                "tip": value.get("tip") or "",
            }
        )
        images.append((value.get("image"), str(value.get("text") or "")))
    return initial, images


def _draft_input(form, formset, originals, initial_goals, original_goals_html):
    data = form.cleaned_data
    steps = []
    for index, step_form in formset.kept_forms():
        step = step_form.cleaned_data
        image, text_html = originals[index] if index < len(originals) else (None, None)
        unchanged_text = index < len(originals) and step["text"] == drafts.richtext_to_lines(
            text_html
        )
        steps.append(
            drafts.StepInput(
                title=step["title"].strip(),
                text=step["text"],
                tip=step.get("tip", "").strip(),
                image=step_form.new_picture(),
                keep_image_id=image.pk if image and not step.get("remove_image") else None,
                original_text_html=text_html if unchanged_text else None,
            )
        )
    return drafts.LessonInput(
        title=data["title"].strip(),
        age_band=data["age_band"],
        duration_minutes=data["duration_minutes"],
        goals=data["goals"],
        materials=data["materials"],
        safety_notes=data.get("safety_notes", ""),
        steps=steps,
        tags=data["tags"],
        original_goals_html=original_goals_html if data["goals"].strip() == initial_goals else None,
    )


def _lesson_form_view(request, craft, lesson=None):
    """The draft form of a new lesson (lesson=None) or of an existing one."""
    originals, initial, step_initial = [], {}, []
    initial_goals, original_goals_html = "", None
    if lesson is not None:
        latest = lesson.get_latest_revision_as_object()
        initial_goals = drafts.richtext_to_lines(latest.goals)
        original_goals_html = str(latest.goals)
        initial = {
            "title": latest.title,
            "age_band": latest.age_band,
            "duration_minutes": latest.duration_minutes,
            "goals": initial_goals,
            "materials": latest.materials,
            "safety_notes": latest.safety_notes,
            "tags": [tag.name for tag in latest.tags.all()],
        }
        step_initial, originals = _step_initial(latest)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = LessonDraftForm(data, initial=initial or None)
    formset = LessonStepFormSet(
        data,
        files,
        initial=step_initial or None,
        prefix="steps",
        form_kwargs={"user": request.user},
    )
    errors = []
    status = 200
    if request.method == "POST":
        pending.release([step.dropped_photo for step in formset.forms if step.dropped_photo])
        if lesson is not None and lesson.locked:
            errors.append(_("A manager has locked this lesson; it cannot be changed now."))
        elif not formset.is_bound or "steps-TOTAL_FORMS" not in request.POST:
            errors.append(_("The steps of the lesson are missing. Reload the page and try again."))
        # Both are checked, so that every error shows at once and every picture is cleaned.
        elif all([form.is_valid(), formset.is_valid()]):
            draft = _draft_input(form, formset, originals, initial_goals, original_goals_html)
            try:
                if lesson is None:
                    drafts.create_draft(craft, draft, request.user)
                    text = _("The lesson “%(title)s” is saved and sent to a manager for review.")
                else:
                    drafts.save_draft(lesson, draft, request.user)
                    text = _(
                        "Your changes to “%(title)s” are saved and sent to a manager for review. "
                        "The published lesson stays as it is until they are approved."
                    )
            except Refused as refusal:
                errors.append(refusal.message)
            else:
                pending.release([step.pending_photo for step in formset if step.pending_photo])
                messages.success(request, text % {"title": draft.title})
                return redirect("heritage:my_lessons")
        status = 400
        # Pictures accepted are kept, so that correcting another field does not lose them.
        for step_form in formset.forms:
            pending.release(step_form.keep_pending_photo(request.user))
    for index, step_form in enumerate(formset.forms):
        step_form.current_image = originals[index][0] if index < len(originals) else None
    return render(
        request,
        "heritage/lesson_form.html",
        {
            "craft": craft,
            "lesson": lesson,
            "form": form,
            "formset": formset,
            "errors": errors,
            "in_review": lesson is not None and awaiting_review(lesson),
            "changes_requested": changes_requested(lesson) if lesson else None,
        },
        status=status,
    )


@require_form_methods
@craftsman_required
def lesson_new(request, craft_pk):
    craft = get_object_or_404(drafts.crafts_of(request.user), pk=craft_pk)
    return _lesson_form_view(request, craft)


@require_form_methods
@craftsman_required
def lesson_edit(request, pk):
    lesson = get_object_or_404(drafts.lessons_of(request.user), pk=pk)
    return _lesson_form_view(request, lesson.get_parent().specific, lesson)


@require_safe
@craftsman_required
def lesson_preview(request, pk):
    """The latest draft of a lesson, as the public page will show it once approved."""
    lesson = get_object_or_404(drafts.lessons_of(request.user), pk=pk)
    latest = lesson.get_latest_revision_as_object()
    return render(
        request,
        "heritage/lesson_preview.html",
        {"page": latest, "self": latest, "craft": lesson.get_parent().specific},
    )
