"""The workflow step that starts a result's public notice, scoped to the contest's organizers."""

from django.utils.translation import gettext_lazy as _
from wagtail.models.workflows import AbstractGroupApprovalTask

from core.page_views import call_page_view
from core.roles import is_manager

from .pages import ContestPage, ResultsPage


class ContestResultsTask(AbstractGroupApprovalTask):
    """The workflow step that starts a result's public notice.

    Like a group approval task, but an organizer reviews only the results of the contests
    they organise (managers and superusers review all); approving from the Wagtail admin
    starts the public notice exactly as the workspace button does."""

    class Meta:
        verbose_name = _("contest results approval")
        verbose_name_plural = _("contest results approvals")

    @staticmethod
    def _contest_of(obj):
        page = getattr(obj, "specific", obj)
        if isinstance(page, ResultsPage):
            return ContestPage.objects.filter(pk=page.get_parent().pk).first()
        return ContestPage.objects.ancestor_of(page, inclusive=True).first()

    def _may_review(self, obj, user):
        if user.is_superuser or is_manager(user):
            return True
        if not self._user_in_groups(user):
            return False
        contest = self._contest_of(obj)
        return contest is not None and contest.is_organised_by(user)

    def user_can_access_editor(self, obj, user):
        return self._may_review(obj, user)

    def locked_for_user(self, obj, user):
        return not self._may_review(obj, user)

    def user_can_lock(self, obj, user):
        return self._may_review(obj, user)

    def get_actions(self, obj, user):
        if not self._may_review(obj, user):
            return []
        return super().get_actions(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        if user.is_superuser or is_manager(user):
            return states
        pages = ResultsPage.objects.filter(event__contest__organizers=user).values_list(
            "pk", flat=True
        )
        return states.filter(workflow_state__object_id__in=[str(pk) for pk in pages])

    def on_action(self, task_state, user, action_name, **kwargs):
        # What approving does to an event's results is decided in services.publishing, which
        # registers it for this task (a model never imports a service).
        if action_name == "approve" and call_page_view(self, "approve", task_state, user):
            return None
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _("Organizers of the contest (and managers) start the results' public notice")
