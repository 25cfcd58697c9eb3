"""Completing a pairing whose targets are met, and its apprenticeship certificate."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from core import roles
from core.certificates import issue_certificate
from core.models import Certificate
from core.refusals import Refused

from ..models import Pairing


def pairing_with_totals(pk):
    return (
        Pairing.objects.with_totals()
        .select_related("mentor", "apprentice", "trade", "studio", "certificate")
        .get(pk=pk)
    )


@transaction.atomic
def complete_pairing(pairing, user):
    """The manager completes a pairing whose targets are met; its certificate is issued."""
    if not roles.is_manager(user):
        raise PermissionDenied
    Pairing.objects.select_for_update().filter(pk=pairing.pk).first()
    pairing = pairing_with_totals(pairing.pk)
    if pairing.status == Pairing.Status.COMPLETED:
        raise Refused(_("This pairing is already completed."))
    if pairing.status == Pairing.Status.WITHDRAWN:
        raise Refused(_("A withdrawn pairing cannot be completed."))
    if not pairing.targets_met:
        raise Refused(
            _(
                "Targets not met yet: %(hours)s of %(target)s hours, "
                "%(reached)d of %(total)d competencies reached."
            )
            % {
                "hours": pairing.hours_logged,
                "target": pairing.target_hours,
                "reached": pairing.competencies_reached,
                "total": pairing.competencies_total,
            }
        )
    pairing.status = Pairing.Status.COMPLETED
    pairing.completed_on = timezone.localdate()
    pairing.certificate = issue_pairing_certificate(pairing)
    pairing.save(update_fields=["status", "completed_on", "certificate"])
    log(pairing, "academy.complete_pairing", user=user)
    return pairing


def issue_pairing_certificate(pairing, issued_on=None):
    """The apprenticeship certificate, in Chinese, rendered by a Celery task."""
    with translation.override("zh-hans"):
        details = "\n".join(
            [
                _("Mentor: %(name)s") % {"name": pairing.mentor_name},
                _("Trade: %(trade)s · %(hours)s hours of logged training")
                % {"trade": pairing.trade.name, "hours": pairing.hours_logged},
                _("Target level: %(level)s") % {"level": pairing.get_target_level_display()},
                _("%(start)s to %(end)s")
                % {
                    "start": pairing.start.isoformat(),
                    "end": (issued_on or timezone.localdate()).isoformat(),
                },
            ]
        )
        return issue_certificate(
            source=pairing,
            kind=Certificate.Kind.APPRENTICESHIP,
            recipient_name=pairing.apprentice_name,
            title=_("Apprenticeship completed: %(trade)s") % {"trade": pairing.trade.name},
            details=details,
            issued_on=issued_on,
        )
