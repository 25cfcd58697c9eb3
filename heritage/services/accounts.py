"""The scope of the heritage roles on the accounts pages: a teacher's kindergartens, a
craftsman's crafts (``core.accounts``)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.accounts import AccountScope
from core.roles import CRAFTSMAN, TEACHER

from ..models import CraftPage, Kindergarten


def assign_kindergartens(user, kindergartens, by=None):
    user.kindergartens.set(kindergartens)


def assign_crafts(user, crafts, by=None):
    """Make ``user`` the craftsman of exactly ``crafts``.

    A craft has one craftsman, named on its page: the change goes into a new revision (and is
    published when the page had nothing else waiting), so a later publish of the page keeps
    it instead of bringing back the craftsman of an older revision."""
    wanted = {craft.pk for craft in crafts}
    with transaction.atomic():
        for page in CraftPage.objects.filter(craftsman=user).exclude(pk__in=wanted):
            _set_craftsman(page, None, by)
        for page in CraftPage.objects.filter(pk__in=wanted).exclude(craftsman=user):
            _set_craftsman(page, user, by)


def _set_craftsman(page, user, by):
    waiting = page.has_unpublished_changes
    draft = page.get_latest_revision_as_object()
    draft.craftsman = user
    revision = draft.save_revision(user=by, log_action=True, clean=False)
    if page.live and not waiting:
        revision.publish(user=by)
    else:
        CraftPage.objects.filter(pk=page.pk).update(craftsman=user)


def scopes():
    return [
        AccountScope(
            role=TEACHER,
            label=_("Kindergartens"),
            rows=lambda: Kindergarten.objects.order_by("name"),
            name_of=lambda kindergarten: kindergarten.name,
            of_user=lambda user: list(user.kindergartens.order_by("name")),
            assign=assign_kindergartens,
        ),
        AccountScope(
            role=CRAFTSMAN,
            label=_("Crafts"),
            rows=lambda: CraftPage.objects.order_by("title"),
            name_of=lambda craft: craft.title,
            of_user=lambda user: list(CraftPage.objects.filter(craftsman=user).order_by("title")),
            assign=assign_crafts,
        ),
    ]
