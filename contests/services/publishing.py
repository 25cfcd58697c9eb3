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

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import (
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from core.cache import invalidate_pages
from core.roles import MANAGER, ORGANIZER

from ..models import (
    ContestIndexPage,
    ContestResultsTask,
    Entrant,
    Objection,
    ResultsPage,
    Stage,
)
from .ranking import RankingError, compute_standings, publishable

WORKFLOW_NAME = "Contest results"


class PublishError(Exception):
    pass


def ensure_results_workflow():
    """The workflow every results page goes through, and the organizers' page permissions."""
    index = ContestIndexPage.objects.first()
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if not WorkflowTask.objects.filter(workflow=workflow).exists():
        task, _created = ContestResultsTask.objects.get_or_create(name="Start the public notice")
        task.groups.set(Group.objects.filter(name__in=[ORGANIZER, MANAGER]))
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
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename).pk


def results_page_for(event):
    return ResultsPage.objects.filter(event=event).first()


def _snapshot(event):
    publishable(event)
    return [standing.as_row() for standing in compute_standings(event)]


@transaction.atomic
def publish_provisional(event, user):
    """Compute the ranking and put it in a draft results page, submitted to the workflow."""
    try:
        standings = _snapshot(event)
    except RankingError as error:
        raise PublishError(str(error)) from error
    page = results_page_for(event)
    if page is not None and page.stage != Stage.PROVISIONAL:
        raise PublishError(_("These results are already public: publish a correction instead."))
    workflow = ensure_results_workflow()
    if page is None:
        contest = event.contest
        page = ResultsPage(
            title=_("Results: %(event)s") % {"event": event.name},
            slug=_unique_slug(contest, event),
            event=event,
            live=False,
            stage=Stage.PROVISIONAL,
            standings=standings,
            computed_at=timezone.now(),
        )
        contest.add_child(instance=page)
    else:
        page.standings = standings
        page.computed_at = timezone.now()
    revision = page.save_revision(user=user, log_action=True)
    state = page.current_workflow_state
    if state is None:
        workflow.start(page, user)
    elif state.status == state.STATUS_NEEDS_CHANGES:  # sent back from the Wagtail admin
        state.resume(user=user)
    log(event, "contests.publish_provisional", user=user)
    return page, revision


def _unique_slug(contest, event):
    base = slugify(f"results-{event.pk}") or "results"
    return base


@transaction.atomic
def start_public_notice(event, user, today=None):
    page = results_page_for(event)
    if page is None or page.stage != Stage.PROVISIONAL:
        raise PublishError(_("Publish provisional results first."))
    try:
        page.standings = _snapshot(event)
    except RankingError as error:
        raise PublishError(str(error)) from error
    today = today or timezone.localdate()
    page.stage = Stage.NOTICE
    page.notice_until = today + datetime.timedelta(days=event.notice_days)
    page.computed_at = timezone.now()
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
        raise PublishError(_("Only results in public notice can become final."))
    today = today or timezone.localdate()
    if page.notice_until and today <= page.notice_until:
        raise PublishError(
            _("The public notice runs until %(date)s.") % {"date": page.notice_until.isoformat()}
        )
    if open_objections(event).exists():
        raise PublishError(_("Answer every open objection first."))
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
        raise PublishError(_("Give the reason for the correction."))
    page = results_page_for(event)
    if page is None or page.stage == Stage.PROVISIONAL:
        raise PublishError(_("Only public results can be corrected."))
    try:
        standings = _snapshot(event)
    except RankingError as error:
        raise PublishError(str(error)) from error
    old_awards = {row["entrant_id"]: row["award"] for row in page.standings}
    page.standings = standings
    page.computed_at = timezone.now()
    page.corrections = [
        *page.corrections,
        {"date": timezone.localdate().isoformat(), "reason": reason[:300]},
    ]
    page.save_revision(user=user).publish(user=user)
    log(event, "contests.correct_results", user=user, data={"reason": reason[:300]})
    changed = [
        row["entrant_id"] for row in standings if old_awards.get(row["entrant_id"]) != row["award"]
    ]
    revoke_changed_certificates(changed, reason)
    invalidate_pages("contests")
    return page


def revoke_changed_certificates(entrant_ids, reason):
    from django.contrib.contenttypes.models import ContentType

    from core.certificates import revoke_certificate
    from core.models import Certificate

    if not entrant_ids:
        return 0
    certificates = Certificate.objects.filter(
        source_type=ContentType.objects.get_for_model(Entrant),
        source_id__in=entrant_ids,
        revoked_at__isnull=True,
    )
    count = 0
    for certificate in certificates:
        revoke_certificate(certificate, _("Results corrected: %(reason)s") % {"reason": reason})
        count += 1
    return count


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
