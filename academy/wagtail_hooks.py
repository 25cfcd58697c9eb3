from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet

from core.roles import APPRENTICE, MANAGER, MENTOR, has_role
from core.workspace import HOOK_NAME, WorkspaceItem

from .viewsets import AcademyViewSetGroup

register_snippet(AcademyViewSetGroup)


class UnlockEntry(LogFormatter):
    label = _("Unlock logbook entry")

    def format_message(self, log_entry):
        reason = (log_entry.data or {}).get("reason", "")
        if reason:
            return _("Manager unlocked a confirmed entry: %(reason)s") % {"reason": reason}
        return _("Manager unlocked a confirmed entry")


class QueryEntry(LogFormatter):
    label = _("Query logbook entry")

    def format_message(self, log_entry):
        return _("Apprentice queried the entry: %(note)s") % {
            "note": (log_entry.data or {}).get("note", "")
        }


@hooks.register("register_log_actions")
def register_academy_log_actions(actions):
    actions.register_action(
        "academy.confirm_entry", _("Confirm logbook entry"), _("Apprentice confirmed the entry")
    )
    actions.register_action("academy.unlock_entry")(UnlockEntry)
    actions.register_action("academy.query_entry")(QueryEntry)
    actions.register_action(
        "academy.answer_query",
        _("Answer the apprentice's query"),
        _("Mentor corrected the queried entry"),
    )
    actions.register_action(
        "academy.add_evidence", _("Add evidence"), _("Apprentice added evidence or a reflection")
    )
    actions.register_action(
        "academy.remove_evidence", _("Remove evidence"), _("Apprentice removed an item")
    )
    actions.register_action(
        "academy.record_review", _("Record a progress review"), _("Progress review recorded")
    )
    actions.register_action(
        "academy.sign_review", _("Sign a progress review"), _("Progress review signed")
    )
    actions.register_action(
        "academy.remove_photo",
        _("Remove evidence photo"),
        _("Mentor removed an evidence photo from the entry"),
    )
    actions.register_action(
        "academy.publicity",
        _("Change the apprentice's agreement to be named"),
        _("Apprentice changed whether they are named on the mentor's profile"),
    )
    actions.register_action(
        "academy.complete_pairing", _("Complete pairing"), _("Manager completed the pairing")
    )


@hooks.register(HOOK_NAME)
def academy_workspace_items(request):
    section = _("Craftsman academy")
    if has_role(request.user, MENTOR):
        yield WorkspaceItem(
            title=_("My apprentices"),
            url=reverse("academy:dashboard"),
            description=_("Log a session, see progress against the plan."),
            section=section,
            order=20,
        )
    if has_role(request.user, APPRENTICE):
        yield WorkspaceItem(
            title=_("My apprenticeship"),
            url=reverse("academy:dashboard"),
            description=_("Confirm your mentor's entries and add your reflections."),
            section=section,
            order=20,
        )
    if has_role(request.user, MANAGER):
        yield WorkspaceItem(
            title=_("All pairings"),
            url=reverse("academy:manager_pairings"),
            description=_("Status, hours, last entry and flags; filters; CSV and XLSX."),
            section=section,
            order=30,
        )
        yield WorkspaceItem(
            title=_("Apprenticeships at a glance"),
            url=reverse("academy:pairing_overview"),
            description=_(
                "By trade and studio: pairings active and stale, hours this month,"
                " completions this year."
            ),
            section=section,
            order=29,
        )
        yield WorkspaceItem(
            title=_("Import pairings"),
            url=reverse("academy:pairing_import"),
            description=_("Set up many pairings at once from a spreadsheet."),
            section=section,
            order=32,
        )
        yield WorkspaceItem(
            title=_("Import profiles"),
            url=reverse("academy:profile_import"),
            description=_("Model workers and folk craftsmen from a spreadsheet, or updates."),
            section=section,
            order=33,
        )
        yield WorkspaceItem(
            title=_("Pairings and competency frameworks"),
            url=reverse("wagtailsnippets_academy_pairing:list"),
            description=_("Create pairings and edit each trade's competencies in the admin."),
            section=section,
            order=31,
        )
