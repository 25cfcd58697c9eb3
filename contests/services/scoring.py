"""Judges' score sheets: parsing and validating scores, saving a sheet, submitting, unlocking,
and the deviation flags the organizer sees."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Min,
    Sum,
    When,
    Window,
)
from django.db.models.functions import Abs, Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from core.refusals import Refused

from ..models import Criterion, Entrant, Rule, Score, Sheet

HUNDREDTH = Decimal("0.01")
PAPER_NOTE_REQUIRED = gettext_lazy(
    "Write how the judge signed the paper sheet, for example “paper sheet, signed on site”."
)


def parse_score(raw, criterion):
    """A score as Decimal, or ``Refused`` with a message a judge understands."""
    text = (raw or "").strip().replace("，", ".").replace(",", ".")
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise Refused(_("“%(value)s” is not a number.") % {"value": raw}) from None
    if not value.is_finite():
        raise Refused(_("“%(value)s” is not a number.") % {"value": raw})
    if value < 0:
        raise Refused(_("A score cannot be below 0."))
    if value > criterion.maximum:
        raise Refused(
            _("The maximum for %(criterion)s is %(maximum)s.")
            % {"criterion": criterion.name, "maximum": criterion.maximum}
        )
    if value != value.quantize(HUNDREDTH):  # "8.50" and "8.500" are fine, "8.123" is not
        raise Refused(_("Use at most 2 decimals."))
    return value.quantize(HUNDREDTH)


def field_name(entrant_key, criterion_id):
    """A cell's form field: ``s-<entrant id>-<criterion id>`` (a blind sheet: the code)."""
    return f"s-{entrant_key}-{criterion_id}"


def ensure_open(sheet):
    if sheet.is_submitted:
        raise Refused(_("This sheet has been submitted and is locked."))


def save_sheet(sheet, data, entrants, criteria, user, submit=False, keys=None):
    """Validate every cell of ``entrants`` × ``criteria`` posted in ``data``, then save them all
    or nothing. Returns (saved count, errors {field name: message}).

    ``keys`` ({entrant id: key}) names the cells by another key than the entrant's id: a blind
    sheet names them by secret code. Empty cells clear a draft score. Submitting needs every
    active entrant's cells filled (over the whole sheet, not just the cells posted)."""
    ensure_open(sheet)
    errors, values, cleared = {}, [], []
    for entrant in entrants:
        if entrant.status != Entrant.Status.ACTIVE:
            continue
        key = keys[entrant.pk] if keys else entrant.pk
        for criterion in criteria:
            name = field_name(key, criterion.pk)
            if name not in data:
                continue
            raw = data.get(name, "").strip()
            if raw == "":
                cleared.append((entrant.pk, criterion.pk))
                continue
            try:
                values.append(
                    Score(
                        sheet=sheet,
                        entrant_id=entrant.pk,
                        criterion_id=criterion.pk,
                        points=parse_score(raw, criterion),
                    )
                )
            except Refused as error:
                errors[name] = str(error)
    if errors:
        return 0, errors
    with transaction.atomic():
        sheet = Sheet.objects.select_for_update().get(pk=sheet.pk)
        ensure_open(sheet)
        after = {(v.entrant_id, v.criterion_id): v.points for v in values}
        after.update(dict.fromkeys(cleared))
        record_changes(sheet, user, after, entrants, criteria)
        if values:
            Score.objects.bulk_create(
                values,
                update_conflicts=True,
                unique_fields=["sheet", "entrant", "criterion"],
                update_fields=["points"],
            )
        if cleared:
            from django.db.models import Q

            condition = Q()
            for entrant_id, criterion_id in cleared:
                condition |= Q(entrant_id=entrant_id, criterion_id=criterion_id)
            Score.objects.filter(condition, sheet=sheet).delete()
        if submit:
            event = sheet.event
            if not (event.criteria.judged().exists() and event.entrants.active().exists()):
                transaction.set_rollback(True)
                return 0, {
                    "__all__": _(
                        "There is nothing to score yet: the event has no criteria or no "
                        "competing entrant. Ask the organizer."
                    )
                }
            missing = sheet_missing_count(sheet)
            if missing:
                transaction.set_rollback(True)
                return 0, {
                    "__all__": _(
                        "%(count)s scores are still empty: fill them all before submitting."
                    )
                    % {"count": missing}
                }
            sheet.submitted_at = timezone.now()
            sheet.save(update_fields=["submitted_at", "updated_at"])
            log(sheet, "contests.submit_sheet", user=user)
        else:
            sheet.save(update_fields=["updated_at"])
    return len(values), {}


def was_submitted(sheet):
    """Whether the sheet has been submitted before (it may be unlocked now)."""
    from wagtail.models import ModelLogEntry

    return (
        ModelLogEntry.objects.for_instance(sheet)
        .filter(action__in=["contests.submit_sheet", "contests.unlock_sheet"])
        .exists()
    )


def record_changes(sheet, user, after, entrants, criteria):
    """Log each score a sheet submitted before changes: entrant, criterion, old → new, by
    ``user``, for the reason the sheet was unlocked. ``after`` maps (entrant id, criterion id)
    to the new points (None: cleared). Nothing is logged for a sheet never submitted."""
    if not after or not was_submitted(sheet):
        return []
    bibs = {entrant.pk: entrant.bib for entrant in entrants}
    names = {criterion.pk: criterion.name for criterion in criteria}
    before = {
        (entrant_id, criterion_id): points
        for entrant_id, criterion_id, points in Score.objects.filter(
            sheet=sheet, entrant_id__in={entrant_id for entrant_id, _c in after}
        ).values_list("entrant_id", "criterion_id", "points")
    }
    changed = []
    for (entrant_id, criterion_id), points in sorted(after.items()):
        old = before.get((entrant_id, criterion_id))
        if old != points:
            changed.append(
                {
                    "entrant_id": entrant_id,
                    "bib": bibs.get(entrant_id, ""),
                    "criterion": names.get(criterion_id, ""),
                    "old": None if old is None else str(old),
                    "new": None if points is None else str(points),
                }
            )
    if changed:
        unlock = last_unlock(sheet)
        log(
            sheet,
            "contests.change_scores",
            user=user,
            data={"reason": unlock["reason"] if unlock else "", "changes": changed[:200]},
        )
    return changed


def _logged(sheets, action, newest_first=False):
    """The audit log entries ``action`` of ``sheets``, each with ``entry.sheet`` set: one
    query for all of them."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ModelLogEntry

    by_pk = {str(sheet.pk): sheet for sheet in sheets}
    if not by_pk:
        return []
    order = ["-timestamp", "-pk"] if newest_first else ["timestamp", "pk"]
    entries = list(
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Sheet),
            object_id__in=list(by_pk),
            action=action,
        )
        .select_related("user")
        .order_by(*order)
    )
    for entry in entries:
        entry.sheet = by_pk[entry.object_id]
    return entries


def _person(user, fallback=""):
    return (user.get_full_name() or user.get_username()) if user else fallback


def score_changes(sheets):
    """The scores changed after submission on ``sheets``, newest first: one dict per change
    with the judge, who changed it, when, why, the entrant's number, the criterion, old and
    new."""
    rows = []
    for entry in _logged(sheets, "contests.change_scores", newest_first=True):
        data = entry.data or {}
        for change in data.get("changes", []):
            rows.append(
                {
                    "judge": _person(entry.sheet.judge),
                    "by": _person(entry.user, entry.user_display_name),
                    "at": entry.timestamp,
                    "reason": data.get("reason", ""),
                    **change,
                }
            )
    return rows


def sheet_history(sheet, blind=False):
    """What the judge reads on their own sheet, newest first: each unlock (who, when, why) and
    each score changed after submission (entrant, criterion, old → new, who, when, why).

    On a blind event (``blind``) changes name the entrant's secret code, never the
    registration number."""
    from wagtail.models import ModelLogEntry

    from ..models import EntrantCode

    entries = (
        ModelLogEntry.objects.for_instance(sheet)
        .filter(action__in=["contests.unlock_sheet", "contests.change_scores"])
        .select_related("user")
        .order_by("-timestamp", "-pk")
    )
    history, codes = [], None
    for entry in entries[:100]:
        data = entry.data or {}
        changes = []
        for change in data.get("changes", []):
            label = change.get("bib", "")
            if blind:
                if codes is None:
                    codes = dict(
                        EntrantCode.objects.filter(event_id=sheet.event_id).values_list(
                            "entrant_id", "code"
                        )
                    )
                label = codes.get(change.get("entrant_id"), "—")
            changes.append({**change, "label": label})
        history.append(
            {
                "unlock": entry.action == "contests.unlock_sheet",
                "by": _person(entry.user, entry.user_display_name),
                "at": entry.timestamp,
                "reason": data.get("reason", ""),
                "changes": changes,
            }
        )
    return history


def submit_for_judge(sheet, user, note):
    """The organizer submits a paper judge's sheet (entered or imported) on their behalf,
    signed with a note such as "paper sheet, signed on site"."""
    note = (note or "").strip()
    if not note:
        raise Refused(str(PAPER_NOTE_REQUIRED))
    with transaction.atomic():
        sheet = Sheet.objects.select_for_update().select_related("event", "judge").get(pk=sheet.pk)
        ensure_open(sheet)
        missing = sheet_missing_count(sheet)
        if missing:
            raise Refused(
                _("%(count)s scores of this sheet are still empty: enter or import them first.")
                % {"count": missing}
            )
        sheet.submitted_at = timezone.now()
        sheet.save(update_fields=["submitted_at", "updated_at"])
        log(
            sheet,
            "contests.submit_sheet",
            user=user,
            data={"on_behalf": True, "note": note[:300]},
        )
    return sheet


def submissions(sheets):
    """How each sheet was last submitted: {sheet pk: {"by", "at", "note", "on_behalf"}}."""
    return {
        entry.sheet.pk: {
            "by": _person(entry.user, entry.user_display_name),
            "at": entry.timestamp,
            "note": (entry.data or {}).get("note", ""),
            "on_behalf": bool((entry.data or {}).get("on_behalf")),
        }
        for entry in _logged(sheets, "contests.submit_sheet")
    }


def sheet_missing_count(sheet):
    event = sheet.event
    expected = event.entrants.active().count() * event.criteria.judged().count()
    filled = Score.objects.filter(
        sheet=sheet,
        entrant__status=Entrant.Status.ACTIVE,
        entrant__event=event,
        criterion__kind=Criterion.Kind.JUDGEMENT,
    ).count()
    return max(expected - filled, 0)


def last_unlock(sheet):
    """Who unlocked the sheet last, when and why (from the audit log), or None."""
    from wagtail.models import ModelLogEntry

    entry = (
        ModelLogEntry.objects.for_instance(sheet)
        .filter(action="contests.unlock_sheet")
        .select_related("user")
        .order_by("-timestamp", "-pk")
        .first()
    )
    if entry is None:
        return None
    return {
        "by": entry.user.get_full_name() or entry.user.get_username()
        if entry.user
        else entry.user_display_name,
        "at": entry.timestamp,
        "reason": (entry.data or {}).get("reason", ""),
    }


def subtotal(values, criteria):
    """A judge's weighted subtotal for one entrant: the sum of score × weight over the cells
    that hold a valid score (others count as empty), rounded half-up to 2 decimals."""
    total = Decimal(0)
    for raw, criterion in zip(values, criteria, strict=True):
        if raw is None or str(raw).strip() == "":
            continue
        try:
            total += parse_score(str(raw), criterion) * criterion.weight
        except Refused:
            continue
    return total.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def unlock_sheet(sheet, user, reason):
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Give a reason for unlocking the sheet."))
    if not sheet.is_submitted:
        raise Refused(_("This sheet is not submitted."))
    sheet.submitted_at = None
    sheet.save(update_fields=["submitted_at", "updated_at"])
    log(sheet, "contests.unlock_sheet", user=user, data={"reason": reason[:300]})


def panel_scores(event):
    """The event's scores of active entrants, each annotated with ``panel_mean`` (the panel's
    result on the same entrant and criterion, computed in the database with window
    aggregates) and ``gap`` (how far the score is from it).

    The panel's result is the mean the event ranks by: with the trimmed rule (3 or more
    scores) the mean without the highest and lowest score, so one harsh judge does not drag
    the reference down and get the whole panel flagged; otherwise the plain mean.

    Filter it on whole (entrant, criterion) cells only (an entrant, a criterion): a filter
    runs before the windows, so a partial cell would change its own mean."""
    part = [F("entrant_id"), F("criterion_id")]
    as_float = FloatField()
    scores = Score.objects.filter(
        sheet__event=event, entrant__status=Entrant.Status.ACTIVE
    ).annotate(
        panel_sum=Window(Sum(Cast("points", as_float)), partition_by=part),
        panel_max=Window(Max(Cast("points", as_float)), partition_by=part),
        panel_min=Window(Min(Cast("points", as_float)), partition_by=part),
        panel_n=Window(Count("id"), partition_by=part),
    )
    plain = F("panel_sum") / F("panel_n")
    if event.rule == Rule.TRIMMED:
        reference = Case(
            When(
                panel_n__gte=3,
                then=(F("panel_sum") - F("panel_max") - F("panel_min")) / (F("panel_n") - 2),
            ),
            default=plain,
            output_field=as_float,
        )
    else:
        reference = ExpressionWrapper(plain, output_field=as_float)
    return scores.annotate(panel_mean=reference).annotate(
        gap=Abs(Cast("points", as_float) - F("panel_mean"))
    )


def is_flagged(gap, event):
    """Whether a score's gap from the panel's mean is past the event's deviation threshold."""
    return gap is not None and gap > float(event.deviation_threshold)


def deviations(event, limit=100):
    """Scores further than the event's threshold from the panel's result on the same entrant
    and criterion (see ``panel_scores``), filtered in the database."""
    scores = (
        panel_scores(event)
        .filter(gap__gt=float(event.deviation_threshold))
        .select_related("entrant", "criterion", "sheet__judge")
        .order_by("-gap", "entrant__bib", "criterion__position")
    )
    return scores[:limit]
