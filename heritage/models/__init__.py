"""The "ICH little craftsmen" programme: the public pages (programme, crafts, lessons), the
kindergartens and the curriculum plan, and the class sessions with their roll calls."""

from .pages import AgeBand, CraftPage, LessonPage, LessonTag, ProgrammePage
from .programme import Child, ClassGroup, HeritageSettings, Kindergarten, PlanEntry, Season
from .sessions import (
    Attendance,
    FeedToken,
    RollCall,
    Session,
    SessionSeries,
    new_feed_token,
)

__all__ = [
    "AgeBand",
    "Attendance",
    "Child",
    "ClassGroup",
    "CraftPage",
    "FeedToken",
    "HeritageSettings",
    "Kindergarten",
    "LessonPage",
    "LessonTag",
    "PlanEntry",
    "ProgrammePage",
    "RollCall",
    "Season",
    "Session",
    "SessionSeries",
    # Migration 0002 names FeedToken.token's default as heritage.models.new_feed_token.
    "new_feed_token",
]
