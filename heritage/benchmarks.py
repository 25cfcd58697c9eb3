"""Query counts of the heritage pages and services, compared at 1× and 10× demo data."""

from itertools import islice

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from core.spreadsheets import xlsx_bytes

from .models import Attendance, CraftPage, LessonPage, Session
from .services.matrix import coverage_matrix
from .services.reports import EXPORT_FIELDS, export_rows, rates_by
from .services.roll_call import roll_call_children

XLSX_ROWS = 34_000  # the whole demo's attendance at 1x; the same count at every scale


def measure(bench):
    # A query string skips the anonymous page cache: this measures the real work.
    bench.get("heritage: programme page with matrix, uncached", "/heritage/?bench=1")
    craft = CraftPage.objects.live().order_by("path").first()
    lesson = LessonPage.objects.live().order_by("path").first()
    if craft and lesson:
        bench.get("heritage: craft page", craft.url)
        bench.get("heritage: lesson page", lesson.url)
        bench.get("heritage: lesson print view", lesson.url + lesson.reverse_subpage("print_view"))
    bench.get("heritage: lesson listing", "/heritage/lessons/")
    bench.get("heritage: lesson listing, filtered", "/heritage/lessons/?age_band=small")
    for user in ("demo-teacher", "demo-craftsman", "demo-manager"):
        bench.get(f"heritage: my week, {user}", reverse("heritage:my_week"), user=user)
    bench.get("heritage: schedule form", reverse("heritage:session_new"), user="demo-teacher")
    bench.get("heritage: plan and matrix, manager", reverse("heritage:plan"), user="demo-manager")
    for by in ("kindergarten", "class_group", "child", "craft", "season"):
        bench.get(
            f"heritage: report by {by}, manager",
            reverse("heritage:reports") + f"?by={by}",
            user="demo-manager",
        )
    bench.get(
        "heritage: report by child, teacher",
        reverse("heritage:reports") + "?by=child",
        user="demo-teacher",
    )
    bench.get("heritage: feeds page", reverse("heritage:feeds"), user="demo-teacher")
    bench.get(
        "heritage: my lessons, craftsman", reverse("heritage:my_lessons"), user="demo-craftsman"
    )
    if craft and lesson and craft.craftsman and craft.craftsman.username == "demo-craftsman":
        bench.get(
            "heritage: lesson draft form, craftsman",
            reverse("heritage:lesson_edit", args=[lesson.pk]),
            user="demo-craftsman",
        )
    teacher = get_user_model().objects.get(username="demo-teacher")
    session = (
        Session.objects.for_user(teacher)
        .active()
        .filter(starts_at__lte=timezone.now())
        .order_by("-starts_at")
        .first()
    )
    if session is None:
        return
    url = reverse("heritage:roll_call", args=[session.pk])
    bench.get("heritage: roll call screen", url, user="demo-teacher")
    children = roll_call_children(session)
    data = {f"status_{c.pk}": "present" for c in children}
    bench.post("heritage: roll call save", url, data, user="demo-teacher")
    bench.post("heritage: roll call save again", url, data, user="demo-teacher")
    bench.call(
        "heritage: coverage matrix service",
        coverage_matrix,
        None,
    )
    bench.call(
        "heritage: attendance rates by child (service)",
        lambda: list(rates_by(Attendance.objects.all(), "child")[:1]),
    )
    bench.call(
        f"heritage: attendance XLSX of {XLSX_ROWS:,} rows (write-only, streamed)",
        lambda: xlsx_bytes(
            "Attendance", EXPORT_FIELDS, islice(export_rows(Attendance.objects.all()), XLSX_ROWS)
        ),
    )
    bench.get(
        "heritage: attendance summary XLSX by child, manager",
        reverse("heritage:reports_summary_export", args=["xlsx"]) + "?by=child",
        user="demo-manager",
    )
    token = teacher.heritage_feeds.filter(revoked_at__isnull=True).first()
    if token:
        bench.get("heritage: teacher iCalendar feed", token.get_absolute_url())
