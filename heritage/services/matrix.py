"""The coverage matrix (crafts × kindergartens, planned and held) and the programme page's data."""

from collections import defaultdict

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone

from core.cache import cached_part

from ..models import CraftPage, Kindergarten, PlanEntry, Season, Session


def coverage_matrix(season=None, kindergartens=None):
    """Crafts × kindergartens: planned and held sessions per cell, in three queries.

    Held: active sessions that have ended. With ``season``, the counts of that season
    ("season") sit beside the counts of the whole plan ("total").
    """
    crafts = list(
        CraftPage.objects.live().order_by("path").only("id", "title", "short_name", "url_path")
    )
    kg_qs = kindergartens if kindergartens is not None else Kindergarten.objects.all()
    kgs = list(kg_qs.order_by("name").only("id", "name", "short_name"))
    now = timezone.now()
    held_filter = Q(status=Session.Status.SCHEDULED, ends_at__lte=now)
    kg_ids = [k.pk for k in kgs]
    held = (
        Session.objects.filter(held_filter, class_group__kindergarten__in=kg_ids)
        .order_by()
        .values("class_group__kindergarten_id", "craft_id")
        .annotate(
            n_total=Count("pk"),
            n_season=Count("pk", filter=Q(season=season)) if season else Value(0),
        )
    )
    planned = (
        PlanEntry.objects.filter(kindergarten__in=kg_ids)
        .order_by()
        .values("kindergarten_id", "craft_id")
        .annotate(
            n_total=Coalesce(Sum("planned_sessions"), 0),
            n_season=Coalesce(Sum("planned_sessions", filter=Q(season=season)), 0)
            if season
            else Value(0),
        )
    )
    held_map = {(r["class_group__kindergarten_id"], r["craft_id"]): r for r in held}
    plan_map = {(r["kindergarten_id"], r["craft_id"]): r for r in planned}
    empty = {"n_total": 0, "n_season": 0}
    rows = []
    craft_totals = defaultdict(lambda: {"held": 0, "planned": 0})
    for kg in kgs:
        cells = []
        for craft in crafts:
            h = held_map.get((kg.pk, craft.pk), empty)
            p = plan_map.get((kg.pk, craft.pk), empty)
            cell = {
                "craft": craft,
                "held": h["n_total"],
                "held_season": h["n_season"],
                "planned": p["n_total"],
                "planned_season": p["n_season"],
            }
            craft_totals[craft.pk]["held"] += h["n_total"]
            craft_totals[craft.pk]["planned"] += p["n_total"]
            cells.append(cell)
        rows.append(
            {
                "kindergarten": kg,
                "cells": cells,
                "held": sum(c["held"] for c in cells),
                "planned": sum(c["planned"] for c in cells),
            }
        )
    return {
        "crafts": crafts,
        "rows": rows,
        "craft_totals": [craft_totals[c.pk] for c in crafts],
        "season": season,
    }


def programme_overview(page):
    """The public programme page's data: seasons, crafts, kindergartens, the matrix.

    The matrix is the same for every visitor: it is kept in the shared cache, drawn
    (``matrix_html``), until the programme's pages, sessions, plan, seasons or kindergartens
    change (``heritage.apps``).
    """
    season = Season.current()
    crafts = list(
        CraftPage.objects.child_of(page)
        .live()
        .public()
        .select_related("craftsman", "base_kindergarten")
        .order_by("path")
    )
    matrix, matrix_html = cached_part(
        f"coverage-matrix:{season.pk if season else ''}",
        lambda: _drawn_matrix(season),
        section="heritage",
    )
    return {
        "matrix": matrix,
        "matrix_html": matrix_html,
        "seasons": list(Season.objects.all()),
        "current_season": season,
        "crafts": crafts,
        "kindergartens": list(
            Kindergarten.objects.prefetch_related("craft_bases").order_by("name")
        ),
    }


def _drawn_matrix(season):
    matrix = coverage_matrix(season)
    return matrix, render_to_string("heritage/_matrix.html", {"matrix": matrix})
