"""Who may do what in the contests: organizers (and managers) run the contests they organise,
judges fill their own sheets.

The workspace views check the role with ``core.access.role_required`` and find objects with
``core.access.scoped_or_404`` through the models' ``for_user`` scopes (``ContestPage``,
``Event``, ``Objection``: the contests a person organises; ``Sheet``: a judge's own sheets).
These predicates say which workspace entries a person is offered.
"""

from core.roles import JUDGE, MANAGER, ORGANIZER, has_role


def can_organise(user):
    return has_role(user, MANAGER, ORGANIZER)


def can_judge(user):
    return has_role(user, JUDGE)
