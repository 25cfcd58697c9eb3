"""The hall board: which entrants are done, and (when the organizer allows it) the
provisional standings, for a screen in the venue.

An entrant is done when every judge assigned to the event has either submitted their sheet
or entered all of the entrant's scores (the completion grid's cells). A fixed number of
queries whatever the number of entrants: the board's link with its event, the sheets, the
criteria count, the entrants, the completion grid's one query, and the ranking's own four
when the standings are shown."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.log_actions import log

from ..models import Entrant, HallBoard
from .grids import SUBMITTED, completion_grid
from .ranking import compute_standings

CREATE = "contests.board_create"
REVOKE = "contests.board_revoke"
SWITCH = "contests.board_standings"
STANDINGS_SHOWN = 10


@dataclass
class BoardTile:
    bib: str
    name: str
    station: str
    order: int | None
    judges_done: int
    judges: int

    @property
    def done(self):
        return self.judges > 0 and self.judges_done >= self.judges


def board_for_token(token):
    """The live board of ``token`` with its event and contest, or None."""
    if not token or len(token) > 64:
        return None
    return HallBoard.objects.live().select_related("event__contest").filter(token=token).first()


def board_state(board):
    """What the board shows now: tiles in competition order, counts and standings."""
    event = board.event
    hide = event.hide_names
    sheets = list(event.sheets.order_by("id"))
    criterion_count = event.criteria.judged().count()
    entrants = event.entrants.active().order_by(F("order").asc(nulls_last=True), "bib")
    tiles = []
    for row in completion_grid(sheets, entrants, criterion_count):
        judges_done = sum(
            1
            for cell in row.cells
            if cell.state == SUBMITTED or (criterion_count and cell.complete)
        )
        entrant = row.entrant
        tiles.append(
            BoardTile(
                bib=entrant.bib,
                name="" if hide else entrant.name,
                station=entrant.station,
                order=entrant.order,
                judges_done=judges_done,
                judges=len(sheets),
            )
        )
    standings = []
    if board.show_standings and criterion_count:
        standings = [
            {
                "rank": s.rank,
                "bib": s.bib,
                "name": "" if hide else s.name,
                "total": str(s.total),
            }
            for s in compute_standings(event)
            if s.rank is not None and s.status == Entrant.Status.ACTIVE
        ][:STANDINGS_SHOWN]
    return {
        "board": board,
        "event": event,
        "contest": event.contest,
        "hide_names": hide,
        "tiles": tiles,
        "done": sum(1 for t in tiles if t.done),
        "total": len(tiles),
        "judges": len(sheets),
        "submitted": sum(1 for s in sheets if s.is_submitted),
        "standings": standings,
        "show_standings": board.show_standings,
        "refreshed_at": timezone.localtime(),
    }


def create_board(event, user, label="", show_standings=False):
    with transaction.atomic():
        board = HallBoard.objects.create(
            event=event, label=label.strip(), show_standings=show_standings, created_by=user
        )
        log(
            event,
            CREATE,
            user=user,
            data={"board": board.pk, "label": board.label, "standings": show_standings},
        )
    return board


def revoke_board(board, user):
    if board.is_revoked:
        return False
    with transaction.atomic():
        board.revoked_at = timezone.now()
        board.save(update_fields=["revoked_at"])
        log(board.event, REVOKE, user=user, data={"board": board.pk, "label": board.label})
    return True


def switch_standings(board, show, user):
    if board.show_standings == show:
        return False
    with transaction.atomic():
        board.show_standings = show
        board.save(update_fields=["show_standings"])
        log(
            board.event,
            SWITCH,
            user=user,
            data={"board": board.pk, "label": board.label, "standings": show},
        )
    return True
