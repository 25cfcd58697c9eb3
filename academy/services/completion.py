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

from ..models import EntryCompetency, Pairing
from ..models.competencies import SkillLevel


def pairing_with_totals(pk):
    return (
        Pairing.objects.with_totals()
        .select_related("mentor", "apprentice", "trade", "studio", "certificate")
        .get(pk=pk)
    )


@transaction.atomic
def complete_pairing(pairing, user, reached_level=None):
    """The manager completes a pairing whose targets are met (confirmed hours, every
    competency), recording the skill level reached; its certificate is issued."""
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
                "Targets not met yet: %(hours)s of %(target)s confirmed hours, "
                "%(reached)d of %(total)d competencies reached."
            )
            % {
                "hours": pairing.hours_confirmed,
                "target": pairing.target_hours,
                "reached": pairing.competencies_reached,
                "total": pairing.competencies_total,
            }
        )
    pairing.status = Pairing.Status.COMPLETED
    pairing.completed_on = timezone.localdate()
    pairing.reached_level = reached_level or pairing.target_level
    pairing.certificate = issue_pairing_certificate(pairing)
    pairing.save(update_fields=["status", "completed_on", "reached_level", "certificate"])
    log(pairing, "academy.complete_pairing", user=user)
    return pairing


def reached_competencies(pairing):
    """The names of the pairing's competencies rated reached in a confirmed entry."""
    return list(
        pairing.competencies.filter(
            entry_ratings__entry__pairing=pairing,
            entry_ratings__entry__confirmed_at__isnull=False,
            entry_ratings__rating=EntryCompetency.Rating.REACHED,
        )
        .distinct()
        .order_by("name")
        .values_list("name", flat=True)
    )


def unconfirmed_entries(pairing, limit=50):
    """The entries the apprentice has not confirmed, oldest first: their hours do not count."""
    return pairing.entries.filter(confirmed_at__isnull=True).order_by("date", "pk")[:limit]


def issue_pairing_certificate(pairing, issued_on=None):
    """The apprenticeship certificate, in Chinese, rendered by a Celery task: the level and
    the competencies reached, and the confirmed hours."""
    level = pairing.reached_level or pairing.target_level
    competencies = reached_competencies(pairing)
    with translation.override("zh-hans"):
        details = "\n".join(
            [
                _("Mentor: %(name)s") % {"name": pairing.mentor_name},
                _("Trade: %(trade)s · %(hours)s confirmed hours of training")
                % {
                    "trade": pairing.trade.name,
                    "hours": getattr(pairing, "hours_confirmed", pairing.hours_logged),
                },
                _("Level reached: %(level)s") % {"level": SkillLevel(level).label},
                _("Competencies reached: %(names)s") % {"names": "、".join(competencies)},
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
