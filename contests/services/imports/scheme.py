"""An event's marking scheme from a spreadsheet, or copied from a past event."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from core.refusals import Refused

from ...models import AwardTier, Criterion
from ..measuring import parse_bands, scheme_problem
from ..scheme import minimum_total_problem, scheme_locked
from .files import ImportRefused, Problem, parse_table, read_rows

SCHEME_HEADERS = {
    "criterion": ("评分项", "criterion", "name"),
    "maximum": ("满分", "maximum", "max"),
    "weight": ("权重", "weight"),
    "kind": ("类型", "kind"),
    "tie_break": ("同分比较", "tie-break", "tie_break"),
    "target": ("目标值", "target"),
    "unit": ("单位", "unit"),
    "bands": ("公差分档", "bands"),
}


KIND_WORDS = {
    "measurement": Criterion.Kind.MEASUREMENT,
    "测量": Criterion.Kind.MEASUREMENT,
    "客观": Criterion.Kind.MEASUREMENT,
    "judgement": Criterion.Kind.JUDGEMENT,
    "judgment": Criterion.Kind.JUDGEMENT,
    "评价": Criterion.Kind.JUDGEMENT,
    "主观": Criterion.Kind.JUDGEMENT,
    "": Criterion.Kind.JUDGEMENT,
}


def _decimal(text, places):
    """A number with at most ``places`` significant decimals: "60.000" and "60" are 60."""
    value = Decimal(text.replace("，", ".").replace(",", "."))
    if not value.is_finite():
        raise InvalidOperation
    step = Decimal(1).scaleb(-places)
    if abs(value) >= Decimal("1e12") or value != value.quantize(step):
        raise InvalidOperation
    return value.quantize(step)


def import_scheme(event, upload):
    """Replace an event's criteria from a file (评分项, 满分, 权重, 类型, 同分比较)."""
    table = parse_table(read_rows(upload), SCHEME_HEADERS, ("criterion", "maximum"))
    h = table.headers
    problems, pending, names, tie_break_rows = [], [], {}, {}
    for position, (number, values) in enumerate(table.rows):
        name = values["criterion"]
        if not name or len(name) > 100:
            problems.append(Problem(number, h["criterion"], _("Give a name (at most 100).")))
        elif name in names:
            problems.append(
                Problem(
                    number,
                    h["criterion"],
                    _("The same criterion is also on row %(other)s.") % {"other": names[name]},
                )
            )
        names.setdefault(name, number)
        try:
            maximum = _decimal(values["maximum"], 2)
            if not Decimal("0") < maximum <= Decimal("1000"):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            maximum = None
            problems.append(
                Problem(number, h["maximum"], _("A number above 0, up to 1000, 2 decimals."))
            )
        weight = Decimal("1")
        if values.get("weight"):
            try:
                weight = _decimal(values["weight"], 3)
                if not Decimal("0") < weight <= Decimal("100"):
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                problems.append(
                    Problem(number, h["weight"], _("A number above 0, up to 100, 3 decimals."))
                )
        kind = KIND_WORDS.get(values.get("kind", "").lower())
        if kind is None:
            problems.append(
                Problem(number, h["kind"], _("Write measurement/测量 or judgement/评价."))
            )
        tie_break = None
        if values.get("tie_break"):
            try:
                order = _decimal(values["tie_break"], 0)  # "2" or "2.0", not "1.5"
            except (InvalidOperation, ValueError):
                order = None
            if order is not None and 1 <= order <= 100:
                tie_break = int(order)
                if tie_break in tie_break_rows:
                    problems.append(
                        Problem(
                            number,
                            h["tie_break"],
                            _("Tie-break order %(n)s is also on row %(other)s.")
                            % {"n": tie_break, "other": tie_break_rows[tie_break]},
                        )
                    )
                tie_break_rows.setdefault(tie_break, number)
            else:
                problems.append(Problem(number, h["tie_break"], _("A whole number from 1.")))
        criterion = Criterion(
            event=event,
            position=position,
            name=name,
            maximum=maximum,
            weight=weight,
            kind=kind or Criterion.Kind.JUDGEMENT,
            tie_break=tie_break,
            unit=values.get("unit", "")[:20],
        )
        _measurement_columns(criterion, values, number, h, problems)
        pending.append(criterion)
    problem = minimum_total_problem(event.minimum_total, pending) if not problems else None
    if problem:
        problems.append(Problem(None, h["maximum"], problem))
    if problems:
        raise ImportRefused(problems)
    replace_criteria(event, pending)
    return pending


def _measurement_columns(criterion, values, number, h, problems):
    """A measurement's target and tolerance bands (目标值, 公差分档 "0.5=10, 1=8")."""
    if values.get("target"):
        try:
            criterion.target = _decimal(values["target"], 3)
        except (InvalidOperation, ValueError):
            problems.append(Problem(number, h["target"], _("A number, at most 3 decimals.")))
    if values.get("bands"):
        if criterion.kind != Criterion.Kind.MEASUREMENT:
            problems.append(
                Problem(number, h["bands"], _("Only a measurement criterion has bands."))
            )
            return
        try:
            criterion.bands = parse_bands(values["bands"], criterion.maximum)
        except Refused as refusal:
            problems.append(Problem(number, h["bands"], refusal.message))
            return
        problem = scheme_problem(criterion)
        if problem:
            problems.append(Problem(number, h.get("target", h["bands"]), problem))


def replace_criteria(event, criteria):
    if scheme_locked(event):
        raise ImportRefused(
            [Problem(None, _("Scheme"), _("Scores exist already: the scheme is locked."))]
        )
    with transaction.atomic():
        event.criteria.all().delete()
        Criterion.objects.bulk_create(criteria)


def copy_scheme(source, target):
    """Copy criteria, award tiers and ranking settings of a past event."""
    if scheme_locked(target):
        raise ImportRefused(
            [Problem(None, _("Scheme"), _("Scores exist already: the scheme is locked."))]
        )
    with transaction.atomic():
        target.rule = source.rule
        target.minimum_total = source.minimum_total
        target.deviation_threshold = source.deviation_threshold
        target.hide_names = source.hide_names
        target.notice_days = source.notice_days
        target.save()
        target.criteria.all().delete()
        target.tiers.all().delete()
        Criterion.objects.bulk_create(
            Criterion(
                event=target,
                position=c.position,
                name=c.name,
                maximum=c.maximum,
                weight=c.weight,
                kind=c.kind,
                tie_break=c.tie_break,
                target=c.target,
                unit=c.unit,
                bands=c.bands,
            )
            for c in source.criteria.all()
        )
        AwardTier.objects.bulk_create(
            AwardTier(event=target, position=t.position, name=t.name, count=t.count)
            for t in source.tiers.all()
        )
