"""The academy's models: public pages (tracks, activities, studios, profiles) and the
mentor–apprentice workspace (trades, competencies, pairings, logbook)."""

from .apprenticeship import (
    SKILL_LEVELS,
    Competency,
    EntryCompetency,
    EvidencePhoto,
    LogEntry,
    Pairing,
    SkillTag,
    Trade,
)
from .pages import (
    AcademyPage,
    ActivityPage,
    Honour,
    ProfileIndexPage,
    ProfilePage,
    StudioIndexPage,
    StudioPage,
    StudioTradeTag,
    TrackPage,
)

__all__ = [
    "AcademyPage",
    "ActivityPage",
    "Competency",
    "EntryCompetency",
    "EvidencePhoto",
    "Honour",
    "LogEntry",
    "Pairing",
    "ProfileIndexPage",
    "ProfilePage",
    "SKILL_LEVELS",
    "SkillTag",
    "StudioIndexPage",
    "StudioPage",
    "StudioTradeTag",
    "TrackPage",
    "Trade",
]
