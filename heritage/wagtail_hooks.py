from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet

from core.roles import CRAFTSMAN, MANAGER, TEACHER, has_role
from core.workspace import HOOK_NAME, WorkspaceItem

from .services.accounts import scopes as account_scopes
from .services.roll_call import EDIT, describe_change
from .viewsets import HeritageViewSetGroup

register_snippet(HeritageViewSetGroup)


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action("heritage.roll_call.take", _("Take the roll"), _("Roll call taken"))

    @actions.register_action(EDIT)
    class RollCallChanged(LogFormatter):
        """The admin's history shows what changed, child by child, not only "changed"."""

        label = _("Edit the roll")

        def format_message(self, log_entry):
            changes = (log_entry.data or {}).get("changes", [])
            if not changes:
                return _("Roll call changed")
            return _("Roll call changed: %(changes)s") % {
                "changes": "; ".join(describe_change(change) for change in changes)
            }

    @actions.register_action("heritage.session.move")
    class SessionMoved(LogFormatter):
        """The history names the reason, and when the change was to a series from this date."""

        label = _("Move a session")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            if not data.get("reason"):
                return _("Session moved")
            if data.get("scope") in ("following", "series"):
                return _("Session moved with its series (%(reason)s)") % {"reason": data["reason"]}
            return _("Session moved (%(reason)s)") % {"reason": data["reason"]}

    @actions.register_action("heritage.session.cancel")
    class SessionCancelled(LogFormatter):
        """The history names the reason and how many children's marks left the rates."""

        label = _("Cancel a session")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            if not data:
                return _("Session cancelled")
            return _("Session cancelled (%(reason)s); %(n)d marks left the attendance rates") % {
                "reason": data.get("reason", ""),
                "n": data.get("marks", 0),
            }

    @actions.register_action("heritage.plan.generate")
    class PlanGenerated(LogFormatter):
        """The history shows what a new rotation changed in the season's plan."""

        label = _("Generate a season's rotation")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _(
                "New rotation: %(added)d entries added, %(changed)d changed, %(removed)d "
                "removed; planned sessions %(before)d → %(after)d"
            ) % {
                "added": data.get("added", 0),
                "changed": data.get("changed", 0),
                "removed": data.get("removed", 0),
                "before": data.get("planned_before", 0),
                "after": data.get("planned_after", 0),
            }


@hooks.register(HOOK_NAME)
def heritage_workspace_items(request):
    user = request.user
    if not has_role(user, TEACHER, CRAFTSMAN, MANAGER):
        return
    section = _("Heritage programme")
    yield WorkspaceItem(
        _("My week"),
        reverse("heritage:my_week"),
        _("Upcoming heritage classes with lesson and materials; take the roll."),
        section,
        10,
    )
    if has_role(user, TEACHER, MANAGER):
        yield WorkspaceItem(
            _("Schedule a class"),
            reverse("heritage:session_new"),
            _("One session or a weekly series; holidays are skipped."),
            section,
            11,
        )
        yield WorkspaceItem(
            _("Kindergartens and children"),
            reverse("heritage:kindergartens"),
            _("Class groups and their children."),
            section,
            14,
        )
    if has_role(user, MANAGER):
        yield WorkspaceItem(
            _("Import kindergartens and children"),
            reverse("heritage:kindergarten_import"),
            _("Load kindergartens, class groups and children from a spreadsheet, or update them."),
            section,
            17,
        )
    if has_role(user, CRAFTSMAN):
        yield WorkspaceItem(
            _("My itinerary"),
            reverse("heritage:itinerary"),
            _("Your next classes in every kindergarten: where, when, which lesson, what to bring."),
            section,
            9,
        )
        yield WorkspaceItem(
            _("My lessons"),
            reverse("heritage:my_lessons"),
            _("Draft new lessons of your craft or improve them; a manager reviews each change."),
            section,
            16,
        )
    yield WorkspaceItem(
        _("Attendance reports"),
        reverse("heritage:reports"),
        _("Attendance rates, planned and held sessions, CSV and XLSX."),
        section,
        12,
    )
    yield WorkspaceItem(
        _("Seasons and curriculum plan"),
        reverse("heritage:plan"),
        _("Which craft each kindergarten has in each season."),
        section,
        13,
    )
    yield WorkspaceItem(
        _("Calendar feeds"),
        reverse("heritage:feeds"),
        _("Subscribe to your sessions in your phone's calendar."),
        section,
        15,
    )


# A teacher's kindergartens and a craftsman's crafts, set on the accounts pages and the import.
hooks.register("register_account_scopes", account_scopes)
