"""Publishing an event's results through Wagtail's workflow, and the certificates after.

provisional: the ranking is saved as a draft ``ResultsPage`` (staff only) and submitted to the
    "Contest results" workflow;
notice: the organizer approves the workflow task: the page is published, marked "public
    notice until <date>", and takes objections;
final: when the notice has ended and no objection is open, the organizer (or the hourly beat
    task) publishes the page as final; certificates can then be issued;
correction: a final (or noticed) result recomputed with a reason is a new page revision, shown
    as "revised on <date>: <reason>".
"""

import datetime

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import (
    GroupPagePermission,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from core.cache import invalidate_pages
from core.page_views import page_view
from core.refusals import Refused
from core.roles import MANAGER, ORGANIZER

from ..models import (
    ContestIndexPage,
    ContestResultsTask,
    Objection,
    ResultsPage,
    Stage,
)
from .ranking import publishable, rank_event
from .versions import changes, same_ranking, store_snapshot

# The names a fresh database gets; the workflow is found again by its task, not its name, so
# renaming either in the admin does not make a second one.
WORKFLOW_NAME = "Contest results"
TASK_NAME = "Start the public notice"


def results_workflow(index=None):
    """The workflow results pages go through: the one holding a ``ContestResultsTask``
    (the contest index's own when it is one of them), or None before it is set up."""
    workflows = Workflow.objects.filter(
        workflow_tasks__task__in=ContestResultsTask.objects.values("pk")
    ).distinct()
    if index is not None:
        assigned = workflows.filter(workflow_pages__page=index).first()
        if assigned is not None:
            return assigned
    return workflows.order_by("-active", "pk").first()


def ensure_results_workflow():
    """The results workflow, its task, and the organizers' permissions on the contest index.

    Idempotent: run after every ``migrate`` (``sync_after_migrate``), when the contest index
    page is created (``sync_on_index_created``) and by the demo seed."""
    index = ContestIndexPage.objects.first()
    workflow = results_workflow(index)
    if workflow is None:
        task = ContestResultsTask.objects.order_by("pk").first()
        if task is None:
            task = ContestResultsTask.objects.create(name=TASK_NAME)
            task.groups.set(Group.objects.filter(name__in=[ORGANIZER, MANAGER]))
        workflow = Workflow.objects.create(name=WORKFLOW_NAME)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    if index is not None:
        WorkflowPage.objects.get_or_create(page=index, defaults={"workflow": workflow})
        organizers = Group.objects.filter(name=ORGANIZER).first()
        if organizers is not None:
            for codename in ("add_page", "change_page", "publish_page"):
                GroupPagePermission.objects.get_or_create(
                    group=organizers,
                    page=index,
                    permission__codename=codename,
                    defaults={"permission_id": _page_permission_id(codename)},
                )
    return workflow


def _page_permission_id(codename):
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename).pk


def sync_after_migrate(sender, apps=None, using=DEFAULT_DB_ALIAS, **kwargs):
    """``post_migrate`` of the contests app: set up the results workflow and permissions."""
    if using != DEFAULT_DB_ALIAS:
        return
    if apps is not None:
        try:
            apps.get_model("contests", "ContestResultsTask")
        except LookupError:  # migrated only part of the way: the task's table is not there yet
            return
    ensure_results_workflow()


def sync_on_index_created(sender, instance, created, raw=False, **kwargs):
    """``post_save`` of the contest index: a site set up after ``migrate`` gets the workflow
    assigned and the organizers' permissions on its new index page."""
    if created and not raw:
        ensure_results_workflow()


@page_view(ContestResultsTask, "approve")
def approve_results(task_state, user):
    """Approving the results task in the Wagtail admin starts the public notice exactly as the
    workspace button does. False when the task is not on a results page in progress: the task
    then approves as any group approval task."""
    page = task_state.workflow_state.content_object
    page = getattr(page, "specific", page)
    if not isinstance(page, ResultsPage) or task_state.status != TaskState.STATUS_IN_PROGRESS:
        return False
    try:
        start_public_notice(page.event, user)
    except Refused as refusal:
        raise PermissionDenied(refusal.message) from refusal
    return True


def results_page_for(event):
    return ResultsPage.objects.filter(event=event).first()


def _snapshot(event):
    """The event's criteria and ranking rows; refused when the rule cannot apply, a score is
    missing or a sheet is not submitted."""
    publishable(event)
    criteria, standings = rank_event(event)
    return criteria, [standing.as_row() for standing in standings]


@transaction.atomic
def publish_provisional(event, user):
    """Compute the ranking and put it in a draft results page, submitted to the workflow."""
    criteria, standings = _snapshot(event)
    page = results_page_for(event)
    if page is not None and page.stage != Stage.PROVISIONAL:
        raise Refused(_("These results are already public: publish a correction instead."))
    workflow = results_workflow(event.contest.get_parent()) or ensure_results_workflow()
    if page is None:
        contest = event.contest
        page = ResultsPage(
            title=_("Results: %(event)s") % {"event": event.name},
            slug=f"results-{event.pk}",
            event=event,
            live=False,
            stage=Stage.PROVISIONAL,
        )
        store_snapshot(page, standings, criteria)
        contest.add_child(instance=page)
    else:
        store_snapshot(page, standings, criteria)
    revision = page.save_revision(user=user, log_action=True)
    state = page.current_workflow_state
    if state is None:
        workflow.start(page, user)
    elif state.status == state.STATUS_NEEDS_CHANGES:  # sent back from the Wagtail admin
        state.resume(user=user)
    log(event, "contests.publish_provisional", user=user)
    return page, revision


@transaction.atomic
def start_public_notice(event, user, today=None):
    page = results_page_for(event)
    if page is None or page.stage != Stage.PROVISIONAL:
        raise Refused(_("Publish provisional results first."))
    criteria, standings = _snapshot(event)
    store_snapshot(page, standings, criteria)
    today = today or timezone.localdate()
    page.stage = Stage.NOTICE
    page.notice_until = today + datetime.timedelta(days=event.notice_days)
    revision = page.save_revision(user=user)
    state = page.current_workflow_state
    if state is not None and state.status == state.STATUS_NEEDS_CHANGES:
        state.resume(user=user)
        state.refresh_from_db()
    task_state = state.current_task_state if state is not None else None
    if task_state is not None and task_state.status == task_state.STATUS_IN_PROGRESS:
        # Approving the last task finishes the workflow, which publishes the latest revision.
        task_state.approve(user=user, comment=_("Public notice started"))
    else:
        revision.publish(user=user)
    invalidate_pages("contests")
    return page


def open_objections(event):
    return Objection.objects.filter(event=event, status=Objection.Status.OPEN)


@transaction.atomic
def make_final(event, user=None, today=None):
    page = results_page_for(event)
    if page is None or page.stage != Stage.NOTICE:
        raise Refused(_("Only results in public notice can become final."))
    today = today or timezone.localdate()
    if page.notice_until and today <= page.notice_until:
        raise Refused(
            _("The public notice runs until %(date)s.") % {"date": page.notice_until.isoformat()}
        )
    if open_objections(event).exists():
        raise Refused(_("Answer every open objection first."))
    page.stage = Stage.FINAL
    page.finalised_on = today
    page.save_revision(user=user).publish(user=user)
    log(event, "contests.make_final", user=user)
    invalidate_pages("contests")
    return page


@transaction.atomic
def publish_correction(event, user, reason):
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Give the reason for the correction."))
    page = results_page_for(event)
    if page is None or page.stage == Stage.PROVISIONAL:
        raise Refused(_("Only public results can be corrected."))
    criteria, standings = _snapshot(event)
    if same_ranking(page.standings, standings):
        raise Refused(
            _("The scores give the same results as version %(version)s: nothing to correct.")
            % {"version": page.version}
        )
    changed = changes(page.standings, standings)
    store_snapshot(page, standings, criteria)
    page.corrections = [
        *page.corrections,
        {
            "date": timezone.localdate().isoformat(),
            "reason": reason[:300],
            "version": page.version,
            "changes": [
                {"bib": c["bib"], "name": c["name"], "changes": c["changes"]} for c in changed
            ],
        },
    ]
    page.save_revision(user=user).publish(user=user)
    log(
        event,
        "contests.correct_results",
        user=user,
        data={"reason": reason[:300], "version": page.version, "changed": len(changed)},
    )
    from .certificates import reissue_after_correction

    reissue_after_correction(page, [c["entrant_id"] for c in changed], reason)
    invalidate_pages("contests")
    return page


def close_due_notices(today=None):
    """Finalise every result whose public notice has ended, unless an objection is open
    (those stay in notice until the organizer answers; the workspace shows them)."""
    today = today or timezone.localdate()
    closed, held = [], []
    for page in ResultsPage.objects.filter(
        stage=Stage.NOTICE, notice_until__lt=today, live=True
    ).select_related("event"):
        if open_objections(page.event).exists():
            held.append(page.pk)
            continue
        make_final(page.event, None, today=today)
        closed.append(page.pk)
    return closed, held
