from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet

from core.workspace import HOOK_NAME, WorkspaceItem

from .services import hall, roster
from .services.access import can_judge, can_organise
from .viewsets import ContestsViewSetGroup


@hooks.register(HOOK_NAME)
def contests_workspace_items(request):
    if can_organise(request.user):
        yield WorkspaceItem(
            title=_("Run my contests"),
            url=reverse("contests:manage"),
            description=_("Events, entrants, judges, results, objections and certificates."),
            section=_("Skill contests"),
            order=300,
        )
    if can_judge(request.user):
        yield WorkspaceItem(
            title=_("My score sheets"),
            url=reverse("contests:my_sheets"),
            description=_("Enter and submit the scores of the events assigned to you."),
            section=_("Skill contests"),
            order=310,
        )


register_snippet(ContestsViewSetGroup)


class SubmitSheet(LogFormatter):
    label = _("Submit score sheet")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        if data.get("on_behalf"):
            return _("Score sheet submitted on the judge's behalf: %(note)s") % {
                "note": data.get("note", "")
            }
        return _("Score sheet submitted")


class UnlockSheet(LogFormatter):
    label = _("Unlock score sheet")

    def format_message(self, log_entry):
        return _("Score sheet unlocked: %(reason)s") % {
            "reason": (log_entry.data or {}).get("reason", "")
        }


class ChangeScores(LogFormatter):
    label = _("Change submitted scores")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        changes = "; ".join(
            f"{c['bib']} {c['criterion']} {c['old'] or '—'} → {c['new'] or '—'}"
            for c in data.get("changes", [])
        )
        return _("Scores changed after submission (%(reason)s): %(changes)s") % {
            "reason": data.get("reason", ""),
            "changes": changes,
        }


class ChangeMeasurements(LogFormatter):
    label = _("Change measurements")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        changes = "; ".join(
            f"{c['bib']} {c['criterion']} {c['old']} ⇒ {c['new']}" for c in data.get("changes", [])
        )
        return _("Measurements changed (%(reason)s): %(changes)s") % {
            "reason": data.get("reason", "") or "—",
            "changes": changes,
        }


class CorrectResults(LogFormatter):
    label = _("Correct results")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return _("Results corrected to version %(version)s: %(reason)s") % {
            "version": data.get("version", "?"),
            "reason": data.get("reason", ""),
        }


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action("contests.submit_sheet")(SubmitSheet)
    actions.register_action("contests.unlock_sheet")(UnlockSheet)
    actions.register_action("contests.change_scores")(ChangeScores)
    actions.register_action("contests.change_measurements")(ChangeMeasurements)
    actions.register_action(
        "contests.publish_provisional",
        _("Publish provisional results"),
        _("Provisional results published"),
    )
    actions.register_action("contests.make_final", _("Make results final"), _("Results made final"))
    actions.register_action("contests.correct_results")(CorrectResults)
    for action, label in (
        (roster.EDIT, _("Edit entrant")),
        (roster.STATUS, _("Change entrant's status")),
        (roster.WITHDRAW, _("Withdraw entrant")),
        (roster.DELETE, _("Delete entrant")),
        (roster.ORDER, _("Set the competition order")),
    ):
        actions.register_action(action)(_entrant_formatter(action, label))
    actions.register_action(hall.CREATE)(HallBoardCreated)
    actions.register_action(hall.REVOKE)(HallBoardRevoked)
    actions.register_action(hall.SWITCH)(HallBoardSwitched)

    actions.register_action("contests.draw_codes")(DrawCodes)
    actions.register_action(
        "contests.open_codes", _("Open the sealed code table"), _("Sealed code table opened")
    )


def _entrant_formatter(action, action_label):
    """The admin's history tells what changed (old → new, the reason), not only "changed"."""

    class EntrantChange(LogFormatter):
        label = action_label

        def format_message(self, log_entry):
            return roster.describe(action, log_entry.data) or str(action_label)

    return EntrantChange


def _board_name(log_entry):
    return (log_entry.data or {}).get("label") or _("Hall board")


class HallBoardCreated(LogFormatter):
    label = _("Create hall board link")

    def format_message(self, log_entry):
        if (log_entry.data or {}).get("standings"):
            return _("Hall board link created: %(board)s (with standings)") % {
                "board": _board_name(log_entry)
            }
        return _("Hall board link created: %(board)s") % {"board": _board_name(log_entry)}


class HallBoardRevoked(LogFormatter):
    label = _("Revoke hall board link")

    def format_message(self, log_entry):
        return _("Hall board link revoked: %(board)s") % {"board": _board_name(log_entry)}


class HallBoardSwitched(LogFormatter):
    label = _("Show or hide standings on a hall board")

    def format_message(self, log_entry):
        if (log_entry.data or {}).get("standings"):
            return _("Standings shown on hall board %(board)s") % {"board": _board_name(log_entry)}
        return _("Standings hidden on hall board %(board)s") % {"board": _board_name(log_entry)}


class DrawCodes(LogFormatter):
    """The event's history says how many secret codes were drawn, and whether it was a redraw."""

    label = _("Draw secret codes")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        count = data.get("count", 0)
        if data.get("added"):
            return _("Secret codes drawn for %(n)s entrants without one") % {"n": count}
        if data.get("redraw"):
            return _("Secret codes drawn again for %(n)s entrants") % {"n": count}
        return _("Secret codes drawn for %(n)s entrants") % {"n": count}


def _guard(request, page):
    from django.core.exceptions import PermissionDenied

    from core.roles import is_manager

    from .models import ContestIndexPage, ContestPage

    if isinstance(page, ContestIndexPage) and not is_manager(request.user):
        if request.method == "POST" or request.resolver_match.url_name != "add":
            raise PermissionDenied
    contest = page if isinstance(page, ContestPage) else None
    if contest is None:
        contest = ContestPage.objects.ancestor_of(page, inclusive=True).first()
    if contest is not None and not contest.is_organised_by(request.user):
        raise PermissionDenied


@hooks.register("before_edit_page")
def only_own_contests_edit(request, page):
    """Organizers have page permissions on the contest index; each edits only their contests."""
    _guard(request, page)


@hooks.register("before_delete_page")
def only_own_contests_delete(request, page):
    _guard(request, page)


@hooks.register("before_create_page")
def only_own_contests_create(request, parent_page, page_class):
    from .models import ContestIndexPage

    if not isinstance(parent_page, ContestIndexPage):
        _guard(request, parent_page)


@hooks.register("before_unpublish_page")
def only_own_contests_unpublish(request, page):
    _guard(request, page)


@hooks.register("before_copy_page")
def only_own_contests_copy(request, page):
    _guard(request, page)


@hooks.register("before_move_page")
def only_own_contests_move(request, page, destination):
    _guard(request, page)


@hooks.register("before_bulk_action")
def only_own_contests_in_bulk(request, action_type, objects, view):
    if action_type != "page":
        return
    for page in objects:
        _guard(request, page)
