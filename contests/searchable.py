"""What the contests make findable: the contests, and their results while public.

A results page is found by its event or by an entrant's name or unit, but only from what the
public page itself shows: its published snapshot (``standings``) of a page in public notice or
final. Provisional results are never live, and an entrant's phone number is never searched or
shown.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import pgettext, pgettext_lazy

from core.search import PAGE_FIELDS, Hit, SearchKind, plain

from .models import ContestPage, Entrant, Event, ResultsPage, Stage

SHOWN_ROWS = 3


def _with_event(term):
    return Exists(Event.objects.filter(contest=OuterRef("pk"), name__icontains=term))


def find_contests(search):
    contests = (
        search.pages(ContestPage)
        .filter(
            search.matching((*PAGE_FIELDS, "summary", "venue", "rules"), related=(_with_event,))
        )
        .order_by(search.title_first(), "-year", "path")[: search.fetch_size]
    )
    return [
        Hit(
            title=contest.title,
            url=search.url(contest),
            text=contest.summary or plain(contest.rules) or contest.venue,
            meta=f"{contest.year} · {contest.get_level_display()} · "
            f"{contest.get_contest_type_display()}",
        )
        for contest in contests
    ]


def _entrant_matches(search):
    """An entrant of the page's event whose name or unit holds every term (a first sieve: the
    page's snapshot decides)."""
    condition = Q()
    for term in search.terms:
        condition &= Q(name__icontains=term) | Q(unit__icontains=term)
    return Exists(Entrant.objects.filter(condition, event=OuterRef("event_id")))


def _row_text(row):
    award = row.get("award") or ""
    if row.get("rank"):
        place = pgettext("search results", "No. %(rank)s") % {"rank": row["rank"]}
    else:
        statuses = dict(Entrant.Status.choices)
        place = statuses.get(row.get("status"), "")
    return " · ".join(
        str(part) for part in (place, row.get("name"), row.get("unit"), award) if part
    )


def find_results(search):
    pages = (
        search.pages(ResultsPage)
        .filter(stage__in=[Stage.NOTICE, Stage.FINAL])
        .filter(
            search.matching((*PAGE_FIELDS, "event__name", "event__contest__title"))
            | Q(_entrant_matches(search))
        )
        .select_related("event__contest")
        .order_by(search.title_first(), "-event__contest__year", "path")[: search.fetch_size]
    )
    hits = []
    for page in pages:
        contest = page.event.contest
        heading = f"{contest.title} · {page.event.name}"
        rows = [
            row
            for row in page.standings
            if search.contains_all(f"{row.get('name', '')} {row.get('unit', '')}")
        ]
        if rows:
            text = "；".join(_row_text(row) for row in rows[:SHOWN_ROWS])
        elif search.contains_all(
            f"{page.title} {page.seo_title} {page.search_description} {page.slug} {heading}"
        ):
            text = page.search_description
        else:
            continue  # only an entrant missing from the published snapshot matched
        hits.append(
            Hit(
                title=heading,
                url=search.url(page),
                text=text,
                meta=page.get_stage_display(),
            )
        )
    return hits


KINDS = [
    SearchKind("contests", pgettext_lazy("search results", "Contests"), 60, find_contests),
    SearchKind("results", pgettext_lazy("search results", "Results"), 70, find_results),
]
