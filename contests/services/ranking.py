"""Results of an event, computed in the database.

The rules (issue 5):
1. per entrant and judged criterion, the judges' scores combine by the event's rule: ``mean``,
   ``trimmed`` (drop one highest and one lowest, mean of the rest; needs 3+ judges) or
   ``median`` (the middle score, or the mean of the two middle scores of an even count);
   a measurement criterion's result is the points of its one measured value (count 1);
2. total = sum over criteria of (result × weight), kept exact, shown rounded half-up to 2 dp;
3. rank by total, highest first; ties broken by the tie-break criteria in order (higher result
   first); still tied share a rank and the next rank skips (1, 2, 2, 4);
4. awards by rank: the first tier whose running count reaches the rank (tied entrants share
   it), none below the minimum total; absent and disqualified entrants come after, unranked.

Exactness: scores have 2 decimals and weights 3, so every per-criterion result is an integer
number of hundredths divided by a count (n, n - 2, 1 or 2) of at most ``MAX_JUDGES`` = 12.
Every such count divides K = 27,720 (lcm 1..12), so ``result × 100 × K`` and
``total × 100 × 1000 × K`` are integers. The SQL below (portable: SQLite 3.25+ and PostgreSQL)
works in those integers, ranks with ``RANK()``, and Python only divides for display.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.refusals import Refused

from ..models import MAX_JUDGES, AwardTier, Criterion, Entrant, Measurement, Rule, Sheet

K = 27720  # lcm(1..12): every possible denominator divides it
if any(K % n for n in range(1, MAX_JUDGES + 1)):  # pragma: no cover - a guard for edits
    raise ImportError("K must be divisible by every judge count")
RESULT_SCALE = 100 * K  # a criterion result × RESULT_SCALE is an integer
TOTAL_SCALE = 100 * 1000 * K  # a total × TOTAL_SCALE is an integer
TWO_PLACES = Decimal("0.01")
JUDGEMENT, MEASUREMENT = Criterion.Kind.JUDGEMENT.value, Criterion.Kind.MEASUREMENT.value


def round_half_up(value):
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _shown(value, places=TWO_PLACES):
    return "—" if value is None else str(value.quantize(places, rounding=ROUND_HALF_UP))


@dataclass
class Standing:
    entrant_id: int
    bib: str
    name: str
    unit: str
    status: str
    total_exact: Decimal | None
    rank: int | None
    award: str
    # Each criterion's result (the judges' scores combined by the event's rule, unweighted),
    # exact, in the order of ``criteria``; None where it has no result.
    results_exact: tuple = ()
    tie_note: str = ""
    # The secret code of a blind event, set by the organizer's views once it is unsealed;
    # never part of the published snapshot (``as_row``).
    code: str = ""

    @property
    def total(self):
        return None if self.total_exact is None else round_half_up(self.total_exact)

    @property
    def results(self):
        """Each criterion's result rounded half-up to 2 decimals, as shown and exported."""
        return [None if r is None else round_half_up(r) for r in self.results_exact]

    def as_row(self):
        return {
            "entrant_id": self.entrant_id,
            "rank": self.rank,
            "bib": self.bib,
            "name": self.name,
            "unit": self.unit,
            "status": self.status,
            "total": None if self.total is None else str(self.total),
            "award": self.award,
            "results": [None if r is None else str(r) for r in self.results],
            "tie_note": self.tie_note,
        }


# Per (entrant, criterion): numerator in hundredths of a point, denominator a count.
_CELL_SQL = {
    Rule.MEAN: "SUM(points) AS num, COUNT(*) AS den",
    Rule.TRIMMED: (
        "CASE WHEN COUNT(*) >= 3 THEN SUM(points) - MAX(points) - MIN(points) END AS num, "
        "CASE WHEN COUNT(*) >= 3 THEN COUNT(*) - 2 END AS den"
    ),
    Rule.MEDIAN: (
        "SUM(CASE WHEN 2 * rn >= n AND 2 * rn <= n + 2 THEN points ELSE 0 END) AS num, "
        "SUM(CASE WHEN 2 * rn >= n AND 2 * rn <= n + 2 THEN 1 ELSE 0 END) AS den"
    ),
}


def _tables():
    return {
        "score": connection.ops.quote_name("contests_score"),
        "sheet": connection.ops.quote_name(Sheet._meta.db_table),
        "entrant": connection.ops.quote_name(Entrant._meta.db_table),
        "criterion": connection.ops.quote_name(Criterion._meta.db_table),
        "measurement": connection.ops.quote_name(Measurement._meta.db_table),
    }


def ranking_sql(event, tie_break_ids, criterion_ids=()):
    """The SQL and parameters ranking the active entrants of an event.

    Each row: entrant id, scaled total, rank, then one scaled result per ``criterion_ids``."""
    t = _tables()
    windows = (
        ", ROW_NUMBER() OVER (PARTITION BY s.entrant_id, s.criterion_id ORDER BY s.points) AS rn"
        ", COUNT(*) OVER (PARTITION BY s.entrant_id, s.criterion_id) AS n"
        if event.rule == Rule.MEDIAN
        else ""
    )
    tie_columns = "".join(
        f", MAX(CASE WHEN c.criterion_id = %s THEN c.scaled END) AS tb{i}"
        for i in range(len(tie_break_ids))
    )
    # A missing tie-break result (no score, or too few for the trimmed mean) comes after every
    # result, as a missing total does: spelled out, since SQLite sorts NULL last in descending
    # order and PostgreSQL first.
    tie_order = "".join(f", COALESCE(tb{i}, -1) DESC" for i in range(len(tie_break_ids)))
    result_columns = "".join(
        f", MAX(CASE WHEN c.criterion_id = %s THEN c.scaled END) AS cr{i}"
        for i in range(len(criterion_ids))
    )
    result_select = "".join(f", cr{i}" for i in range(len(criterion_ids)))
    # Only table names, fixed fragments and counters are formatted in; values are parameters.
    sql = f"""
WITH points AS (
    SELECT s.entrant_id, s.criterion_id,
           CAST(ROUND(s.points * 100) AS BIGINT) AS points{windows}
    FROM {t["score"]} s
    JOIN {t["sheet"]} sh ON sh.id = s.sheet_id
    JOIN {t["entrant"]} e ON e.id = s.entrant_id
    JOIN {t["criterion"]} jc ON jc.id = s.criterion_id
    WHERE sh.event_id = %s AND e.event_id = %s AND e.status = 'active'
      AND jc.kind = '{JUDGEMENT}'
),
cells AS (
    SELECT entrant_id, criterion_id, {_CELL_SQL[event.rule]}
    FROM points GROUP BY entrant_id, criterion_id
    UNION ALL
    SELECT m.entrant_id, m.criterion_id, CAST(ROUND(m.points * 100) AS BIGINT) AS num, 1 AS den
    FROM {t["measurement"]} m
    JOIN {t["entrant"]} e ON e.id = m.entrant_id
    JOIN {t["criterion"]} mc ON mc.id = m.criterion_id
    WHERE e.event_id = %s AND mc.event_id = %s AND e.status = 'active'
      AND mc.kind = '{MEASUREMENT}'
),
scaled AS (
    SELECT cells.entrant_id, cells.criterion_id,
           cells.num * ({K} / cells.den) AS scaled,
           cells.num * ({K} / cells.den) * CAST(ROUND(cr.weight * 1000) AS BIGINT) AS weighted
    FROM cells JOIN {t["criterion"]} cr ON cr.id = cells.criterion_id
    WHERE cells.den > 0
),
totals AS (
    SELECT e.id AS entrant_id, SUM(c.weighted) AS total{tie_columns}{result_columns}
    FROM {t["entrant"]} e LEFT JOIN scaled c ON c.entrant_id = e.id
    WHERE e.event_id = %s AND e.status = 'active'
    GROUP BY e.id
)
SELECT entrant_id, total,
       RANK() OVER (ORDER BY COALESCE(total, -1) DESC{tie_order}) AS rnk{result_select}
FROM totals
"""  # noqa: S608
    params = [event.pk, event.pk, event.pk, event.pk, *tie_break_ids, *criterion_ids, event.pk]
    return sql, params


def award_for(rank, total, tiers, minimum_total):
    """Rule 4: the first tier whose running count reaches the rank; none below the minimum."""
    if rank is None or total is None:
        return ""
    if minimum_total is not None and total < minimum_total:
        return ""
    running = 0
    for name, count in tiers:
        running += count
        if running >= rank:
            return name
    return ""


def check_rule(event, judge_count=None):
    if judge_count is None:
        judge_count = event.sheets.count()
    if event.rule == Rule.TRIMMED and judge_count < 3:
        raise Refused(
            _("The trimmed mean drops the highest and lowest score: it needs 3 or more judges.")
        )


@dataclass(frozen=True)
class RankedCriterion:
    id: int
    name: str
    tie_break: int | None


def _distinct_places(a, b):
    """Enough decimals (2 to 6) for two different exact results not to read as equal."""
    for places in range(2, 7):
        quantum = Decimal(1).scaleb(-places)
        if a is None or b is None or _shown(a, quantum) != _shown(b, quantum):
            return quantum
    return quantum


def tie_note(lower, upper, criteria):
    """Why ``lower`` is ranked below (or beside) ``upper`` though their totals are equal."""
    index = {c.id: i for i, c in enumerate(criteria)}
    tie_breaks = sorted((c for c in criteria if c.tie_break), key=lambda c: c.tie_break)
    for criterion in tie_breaks:
        mine = lower.results_exact[index[criterion.id]]
        theirs = upper.results_exact[index[criterion.id]]
        if mine != theirs:
            places = _distinct_places(mine, theirs)
            return gettext(
                "tie with No. %(bib)s broken by %(criterion)s: %(other)s vs %(value)s"
            ) % {
                "bib": upper.bib,
                "criterion": criterion.name,
                "other": _shown(theirs, places),
                "value": _shown(mine, places),
            }
    if tie_breaks:
        return gettext("tied with No. %(bib)s on every tie-break criterion: rank shared") % {
            "bib": upper.bib
        }
    return gettext("tied with No. %(bib)s, no tie-break criterion: rank shared") % {
        "bib": upper.bib
    }


def _note_ties(standings, criteria):
    for upper, lower in zip(standings, standings[1:], strict=False):
        if lower.rank is not None and lower.total_exact == upper.total_exact:
            lower.tie_note = tie_note(lower, upper, criteria)


def rank_event(event):
    """The event's criteria (in scheme order) and its ranked standings, each standing with
    every criterion's result and, where its total equals the one above, how the tie went.

    One SQL statement for ranks, totals and results, one query for the entrants' names, one
    for the tiers and one for the criteria."""
    criteria = [
        RankedCriterion(*row)
        for row in event.criteria.order_by("position", "id").values_list("id", "name", "tie_break")
    ]
    criterion_ids = [c.id for c in criteria]
    tie_break_ids = [
        c.id for c in sorted((c for c in criteria if c.tie_break), key=lambda c: c.tie_break)
    ]
    tiers = list(AwardTier.objects.filter(event=event).values_list("name", "count"))
    sql, params = ranking_sql(event, tie_break_ids, criterion_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ranked = {row[0]: row[1:] for row in cursor.fetchall()}
    entrants = Entrant.objects.filter(event=event).values_list(
        "id", "bib", "name", "unit", "status"
    )
    standings, unranked = [], []
    for entrant_id, bib, name, unit, status in entrants:
        if entrant_id in ranked:
            scaled_total, rank, *scaled_results = ranked[entrant_id]
            total = None if scaled_total is None else Decimal(scaled_total) / TOTAL_SCALE
            if total is None:
                rank = None
            results = tuple(
                None if value is None else Decimal(value) / RESULT_SCALE for value in scaled_results
            )
            award = award_for(rank, total, tiers, event.minimum_total)
            standings.append(
                Standing(entrant_id, bib, name, unit, status, total, rank, award, results)
            )
        else:
            empty = (None,) * len(criteria)
            unranked.append(Standing(entrant_id, bib, name, unit, status, None, None, "", empty))
    standings.sort(key=lambda s: (s.rank is None, s.rank or 0, s.bib))
    unranked.sort(key=lambda s: s.bib)
    _note_ties(standings, criteria)
    return criteria, standings + unranked


def compute_standings(event):
    """The ranked standings of an event (see ``rank_event``)."""
    return rank_event(event)[1]


def missing_scores(event, limit=50):
    """What stops publishing: (total count, first ``limit`` of (bib, criterion, judge))."""
    t = _tables()
    user_table = connection.ops.quote_name(
        Sheet._meta.get_field("judge").related_model._meta.db_table
    )
    base = f"""
    FROM {t["entrant"]} e
    CROSS JOIN {t["criterion"]} cr
    CROSS JOIN {t["sheet"]} sh
    LEFT JOIN {t["score"]} s
        ON s.entrant_id = e.id AND s.criterion_id = cr.id AND s.sheet_id = sh.id
    WHERE e.event_id = %s AND cr.event_id = %s AND sh.event_id = %s
      AND e.status = 'active' AND cr.kind = '{JUDGEMENT}' AND s.id IS NULL
    """
    params = [event.pk, event.pk, event.pk]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) {base}", params)  # noqa: S608 - table names only
        total = cursor.fetchone()[0]
        cursor.execute(
            f"""SELECT e.bib, cr.name, u.first_name, u.last_name, u.username {
                base.replace("WHERE", f"JOIN {user_table} u ON u.id = sh.judge_id WHERE", 1)
            }
            ORDER BY e.bib, cr.position, sh.id LIMIT %s""",  # noqa: S608
            [*params, limit],
        )
        rows = [
            {"bib": bib, "criterion": crit, "judge": (f"{last}{first}" or username)}
            for bib, crit, first, last, username in cursor.fetchall()
        ]
    return total, rows


def publishable(event):
    """Refuse publishing when the rule cannot apply or a score or measurement is missing."""
    from .measuring import missing_measurements, scheme_problem

    if not event.criteria.exists():
        raise Refused(_("This event has no marking criteria."))
    for criterion in event.criteria.measured():
        problem = scheme_problem(criterion)
        if problem:
            raise Refused(problem)
    measurements = missing_measurements(event)
    if measurements:
        raise Refused(
            _("%(count)s measurements are missing: enter them on the measurements page.")
            % {"count": measurements}
        )
    if not event.criteria.judged().exists():
        return True
    judge_count = event.sheets.count()
    if judge_count == 0:
        raise Refused(_("No judge is assigned to this event."))
    check_rule(event, judge_count)
    total, _rows = missing_scores(event, limit=0)
    if total:
        raise Refused(_("%(count)s scores are missing.") % {"count": total})
    drafts = [
        sheet.judge.get_full_name() or sheet.judge.get_username()
        for sheet in event.sheets.filter(submitted_at__isnull=True).select_related("judge")
    ]
    if drafts:
        raise Refused(
            _(
                "Not every sheet is submitted: %(judges)s. A judge submits their own sheet; "
                "for a paper sheet, submit it on the judge's behalf with a note."
            )
            % {"judges": "、".join(drafts)}
        )
    return True
