"""Judge × entrant grids for the organizer: the scores of one criterion with the deviation
flags in place, and how far each judge has got with each entrant.

Each grid is built from a fixed number of queries whatever the number of entrants: the
entrants of one page, the event's sheets, and one query over the scores of those entrants."""

from dataclasses import dataclass, field

from django.db.models import Count

from ..models import Entrant, Score
from .scoring import is_flagged, panel_scores


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
