"""The academy's models: public pages (tracks, activities, studios, profiles) and the
mentor–apprentice workspace (trades, competencies, pairings, logbook)."""

from .competencies import SKILL_LEVELS, Competency, EntryCompetency, Trade
from .logbook import EvidencePhoto, LogEntry, SkillTag
from .pairings import Pairing
from .portfolio import PortfolioItem, ProgressReview
from .profiles import Honour, ProfileIndexPage, ProfilePage
from .sections import AcademyPage, ActivityPage, TrackPage
from .sites import TeachingSiteIndexPage, TeachingSitePage
from .studios import StudioIndexPage, StudioPage, StudioTradeTag

__all__ = [
    "AcademyPage",
    "ActivityPage",
    "Competency",
    "EntryCompetency",
    "EvidencePhoto",
    "Honour",
    "LogEntry",
    "Pairing",
    "PortfolioItem",
    "ProgressReview",
    "ProfileIndexPage",
    "ProfilePage",
    "SKILL_LEVELS",
    "SkillTag",
    "StudioIndexPage",
    "StudioPage",
    "StudioTradeTag",
    "TeachingSiteIndexPage",
    "TeachingSitePage",
    "TrackPage",
    "Trade",
]
