from django.core.management.base import BaseCommand, CommandError

from core.refusals import Refused
from heritage.models import PlanEntry, Season
from heritage.services.rotation import apply_rotation, rotation_problems, season_has_started


class Command(BaseCommand):
    help = (
        "Replace the curriculum plan with a rotation in which every kindergarten meets every "
        "craft and no craftsman is in two places at once (all seasons, or the ones named)."
    )

    def add_arguments(self, parser):
        parser.add_argument("seasons", nargs="*", help="Season names; all seasons when omitted.")
        parser.add_argument(
            "--sessions-per-round",
            type=int,
            default=12,
            help="Planned sessions of each kindergarten–craft pairing in a round (default 12).",
        )
        parser.add_argument(
            "--rewrite-started",
            action="store_true",
            help="Also rewrite seasons that have started or ended (refused without it).",
        )

    def handle(self, *args, seasons, sessions_per_round, rewrite_started, **options):
        if sessions_per_round < 1:
            raise CommandError("--sessions-per-round must be at least 1.")
        chosen = Season.objects.order_by("starts_on")
        if seasons:
            chosen = chosen.filter(name__in=seasons)
            unknown = set(seasons) - set(chosen.values_list("name", flat=True))
            if unknown:
                raise CommandError(f"Unknown season(s): {', '.join(sorted(unknown))}")
        started = [season.name for season in chosen if season_has_started(season)]
        if started and not rewrite_started:
            raise CommandError(
                f"Season(s) already started or ended, their plan is kept: {', '.join(started)}. "
                "Name only seasons ahead, or pass --rewrite-started."
            )
        try:
            count = apply_rotation(list(chosen), sessions_per_round=sessions_per_round)
        except Refused as refusal:
            raise CommandError(str(refusal.message)) from refusal
        problems = rotation_problems(PlanEntry.objects.filter(season__in=chosen))
        for problem in problems:
            self.stderr.write(problem)
        self.stdout.write(self.style.SUCCESS(f"{count} plan entries written."))
