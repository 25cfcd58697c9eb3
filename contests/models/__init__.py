"""Skill contests: public pages (index, contest, results) and the judging records behind them.

A contest is a Wagtail page with organizers; each contest has events, each event a marking
scheme (criteria, award tiers), entrants, judges' score sheets and scores. The published ranking
of an event is a ``ResultsPage`` under its contest, moved through Wagtail's workflow.

Models import nothing of the app's views, forms or services: page models name their views
(``core.page_views``), and the workflow task delegates its approval the same way.
"""

from .codes import EntrantCode
from .entrants import PHONE_PATTERN, Entrant, EntrantQuerySet
from .events import (
    MAX_JUDGES,
    AwardTier,
    Criterion,
    CriterionQuerySet,
    Event,
    EventQuerySet,
    Rule,
)
from .hall import HallBoard, HallBoardQuerySet
from .judging import Measurement, Score, Sheet, SheetQuerySet
from .pages import (
    ContestGalleryImage,
    ContestIndexPage,
    ContestPage,
    ContestPageQuerySet,
    ContestType,
    Level,
    ResultsPage,
    Stage,
)
from .results import CertificateBatch, Objection, ObjectionQuerySet
from .workflow import ContestResultsTask

__all__ = [
    # pages
    "ContestIndexPage",
    "ContestPage",
    "ContestPageQuerySet",
    "ContestGalleryImage",
    "ResultsPage",
    "Level",
    "ContestType",
    "Stage",
    # events and their marking schemes
    "Event",
    "EventQuerySet",
    "Criterion",
    "CriterionQuerySet",
    "AwardTier",
    "Rule",
    "MAX_JUDGES",
    # entrants
    "Entrant",
    "EntrantQuerySet",
    "PHONE_PATTERN",
    "EntrantCode",
    # judging
    "Sheet",
    "SheetQuerySet",
    "Score",
    "Measurement",
    # the venue's screen
    "HallBoard",
    "HallBoardQuerySet",
    # after the ranking
    "Objection",
    "ObjectionQuerySet",
    "CertificateBatch",
    # workflow
    "ContestResultsTask",
]
