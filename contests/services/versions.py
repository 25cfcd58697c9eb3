"""Which results a page or an export shows, and whether the published ones still hold.

A results page keeps a snapshot of the ranking; each different snapshot saved in it is a new
version. Staff compare the published version with the working draft, the ranking computed from
the scores as they are now: an unlocked and changed sheet, a changed entrant status or panel
makes the published results out of date until they are republished.
"""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..models import Stage

# What a correction is about: a change in any of these revokes the entrant's certificate.
DECIDING = ("rank", "total", "award")


SHOWN = (*DECIDING, "results", "status", "bib", "name", "unit")


def _comparable(row):
    return tuple(str(row.get(field)) for field in SHOWN)


def same_ranking(old_rows, new_rows):
    """Whether two snapshots show every entrant the same (rank, total, award, results, number,
    name and unit)."""
    old = {row["entrant_id"]: _comparable(row) for row in old_rows}
    new = {row["entrant_id"]: _comparable(row) for row in new_rows}
    return old == new


def store_snapshot(page, rows, criteria):
    """Put ``rows`` (``Standing.as_row()``) in ``page``: a new version when they differ from
    the page's current snapshot. The caller saves a revision."""
    if page.standings and not same_ranking(page.standings, rows):
        page.version += 1
    page.standings = rows
    page.criteria = [criterion.name for criterion in criteria]
    page.computed_at = timezone.now()


def changes(old_rows, new_rows):
    """Per entrant whose rank, total or award differs between two snapshots: their bib and
    name and each change as {"field", "old", "new"}, in the new ranking's order."""
    old = {row["entrant_id"]: row for row in old_rows}
    changed = []
    for row in new_rows:
        before = old.get(row["entrant_id"], {})
        fields = [
            {"field": field, "old": before.get(field), "new": row.get(field)}
            for field in DECIDING
            if before.get(field) != row.get(field)
        ]
        if fields:
            changed.append(
                {
                    "entrant_id": row["entrant_id"],
                    "bib": row["bib"],
                    "name": row["name"],
                    "changes": fields,
                }
            )
    return changed


def label(page):
    """ "Published version 3 · public notice · 2026-12-03 10:15", or for results only staff
    have seen, "provisional version 1 · …"."""
    stage = (
        _("public notice until %(date)s") % {"date": page.notice_until.isoformat()}
        if page.stage == Stage.NOTICE and page.notice_until
        else str(page.get_stage_display())
    )
    at = date_format(timezone.localtime(page.computed_at), "Y-m-d H:i") if page.computed_at else ""
    if page.stage == Stage.PROVISIONAL:
        text = _("Provisional version %(version)s · %(stage)s · %(at)s")
    else:
        text = _("Published version %(version)s · %(stage)s · %(at)s")
    return text % {"version": page.version, "stage": stage, "at": at}


def draft_label():
    return _("Working draft · computed from the scores at %(at)s") % {
        "at": date_format(timezone.localtime(), "Y-m-d H:i")
    }


def drift(page, standings):
    """What the working draft (``standings``, from ``rank_event``) changes in the page's
    version: [] when they agree, or the entrants whose rank, total or award moved."""
    if page is None:
        return []
    return changes(page.standings, [standing.as_row() for standing in standings])
