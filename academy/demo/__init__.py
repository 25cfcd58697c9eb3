"""Demo data of the craftsman academy (all names invented).

Pages (3 tracks, 36 activities, 4 teaching sites, 8 studios, 33 model workers, 74 folk
craftsmen) stay the same at every scale; pairings, logbook entries and their ratings grow with
``ctx.scale``.
"""

from django.utils import timezone

from ..models import ActivityPage, LogEntry, Pairing, TrackPage
from .data import TRACKS
from .pages import seed_profiles, seed_studios, seed_tracks, seed_trades
from .pairings import seed_pairings
from .sites import seed_teaching_sites


def seed(ctx):
    section = ctx.sections.get("academy.AcademyPage")
    if section is None:
        return
    if TrackPage.objects.exists() or Pairing.objects.exists():
        ctx.log("Academy: demo data already there")
        return
    today = timezone.localdate()
    trades = seed_trades()
    seed_tracks(ctx, section, today)
    sites = seed_teaching_sites(ctx, section)
    profiles, mentors = seed_profiles(ctx, section, trades)
    studios = seed_studios(ctx, section, profiles, trades)
    count = seed_pairings(ctx, trades, studios, mentors, today)
    ctx.log(
        f"Academy: {len(TRACKS)} tracks, {ActivityPage.objects.count()} activities, "
        f"{len(sites)} teaching sites, "
        f"{len(studios)} studios, {len(profiles)} profiles, {count} pairings, "
        f"{LogEntry.objects.count()} logbook entries"
    )
