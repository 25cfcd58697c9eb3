"""Judge × entrant grids for the organizer: the scores of one criterion with the deviation
flags in place, and how far each judge has got with each entrant.

Each grid is built from a fixed number of queries whatever the number of entrants: the
entrants of one page, the event's sheets, and one query over the scores of those entrants."""

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..models import Entrant, Score
from .scoring import is_flagged, panel_scores

EMPTY, DRAFT, SUBMITTED = "empty", "draft", "submitted"
STATE_LABELS = {EMPTY: _("Empty"), DRAFT: _("Draft"), SUBMITTED: _("Submitted")}


@dataclass
class MatrixCell:
    points: object = None
    flagged: bool = False
    gap: float | None = None


@dataclass
class MatrixRow:
    entrant: Entrant
    cells: list = field(default_factory=list)
    panel_mean: float | None = None

    @property
    def active(self):
        return self.entrant.status == Entrant.Status.ACTIVE


def score_matrix(event, criterion, sheets, entrants):
    """One row per entrant of ``entrants``, one cell per sheet of ``sheets`` (in that order):
    the judge's score on ``criterion``, flagged where it is past the deviation threshold."""
    entrants = list(entrants)
    found = {}
    panel = {}
    scores = panel_scores(event).filter(
        criterion=criterion, entrant_id__in=[e.pk for e in entrants]
    )
    for entrant_id, sheet_id, points, mean, gap in scores.values_list(
        "entrant_id", "sheet_id", "points", "panel_mean", "gap"
    ):
        found[(entrant_id, sheet_id)] = MatrixCell(points, is_flagged(gap, event), gap)
        panel[entrant_id] = mean
    rows = []
    for entrant in entrants:
        cells = [found.get((entrant.pk, sheet.pk), MatrixCell()) for sheet in sheets]
        rows.append(MatrixRow(entrant, cells, panel.get(entrant.pk)))
    return rows


@dataclass
class CompletionCell:
    state: str
    filled: int
    expected: int

    @property
    def label(self):
        return STATE_LABELS[self.state]

    @property
    def complete(self):
        return self.filled >= self.expected


def completion_grid(sheets, entrants, criterion_count):
    """One row per entrant of ``entrants``, one cell per sheet of ``sheets``: empty (no score
    from that judge yet), draft (some or all scores, sheet not submitted) or submitted."""
    entrants = list(entrants)
    counts = {
        (row["sheet_id"], row["entrant_id"]): row["n"]
        for row in Score.objects.filter(
            sheet__in=[s.pk for s in sheets], entrant_id__in=[e.pk for e in entrants]
        )
        .values("sheet_id", "entrant_id")
        .annotate(n=Count("id"))
        .order_by()
    }
    rows = []
    for entrant in entrants:
        cells = []
        for sheet in sheets:
            filled = counts.get((sheet.pk, entrant.pk), 0)
            if sheet.is_submitted:
                state = SUBMITTED
            else:
                state = DRAFT if filled else EMPTY
            cells.append(CompletionCell(state, filled, criterion_count))
        rows.append(MatrixRow(entrant, cells))
    return rows
