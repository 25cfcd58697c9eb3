"""Creating a pairing and changing its status."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from core import roles
from core.refusals import Refused

from ..models import Pairing
from .access import is_apprentice_of, is_mentor_of


@transaction.atomic
def create_pairing(*, competencies=(), **fields):
    """Create a pairing after its rules: not with oneself, one open pairing per trade.

    The rules are the model's own (``Pairing.clean``, which the admin form runs too), so a
    broken one raises the model's ``ValidationError``, field by field.
    """
    pairing = Pairing(**fields)
    pairing.full_clean()
    pairing.save()
    pairing.competencies.set(competencies)
    return pairing


@transaction.atomic
def change_status(pairing, user, status, reason=""):
    """Put a pairing on break (with a reason), back to active, or withdraw it (manager)."""
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    manager = roles.is_manager(user)
    if not (manager or is_mentor_of(user, pairing)):
        raise PermissionDenied
    allowed = {Pairing.Status.ACTIVE, Pairing.Status.ON_BREAK}
    if manager:
        allowed.add(Pairing.Status.WITHDRAWN)
    if status not in allowed:
        raise Refused(_("You cannot set this status."), field="status")
    if not pairing.is_open:
        raise Refused(_("A completed or withdrawn pairing cannot change status."))
    reason = (reason or "").strip()
    if status == Pairing.Status.ON_BREAK and not reason:
        raise Refused(_("Give the reason for the break."), field="reason")
    if status == Pairing.Status.ACTIVE:
        clash = (
            Pairing.objects.open()
            .filter(
                mentor_id=pairing.mentor_id,
                apprentice_id=pairing.apprentice_id,
                trade_id=pairing.trade_id,
            )
            .exclude(pk=pairing.pk)
        )
        if clash.exists():
            raise Refused(_("These two people already have an active pairing in this trade."))
    pairing.status = status
    pairing.break_reason = reason if status != Pairing.Status.ACTIVE else ""
    pairing.save(update_fields=["status", "break_reason"])
    log(pairing, "wagtail.edit", user=user, data={"status": status, "reason": reason[:300]})
    return pairing


def set_publicity(pairing, user, shown):
    """The apprentice agrees (or no longer agrees) to be named on the mentor's profile."""
    if not is_apprentice_of(user, pairing):
        raise PermissionDenied
    if pairing.shown_on_mentor_profile == shown:
        return pairing
    pairing.shown_on_mentor_profile = shown
    pairing.save(update_fields=["shown_on_mentor_profile"])
    log(pairing, "academy.publicity", user=user, data={"shown": shown})
    return pairing
