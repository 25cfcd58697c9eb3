"""Pages and services of the academy whose query count must not grow with the data."""

from django.db.models import Count

from .models import LogEntry, Pairing


def measure(bench):
    bench.get("academy: section page (1+3+N), anonymous", "/academy/")
    bench.get("academy: track page, anonymous", "/academy/master-apprentice/")
    bench.get("academy: studio index, anonymous", "/academy/studios/")
    bench.get("academy: honours roll, anonymous", "/academy/people/honours/")
    bench.get("academy: craftsman showcase, anonymous", "/academy/people/craftsmen/")
    bench.get("academy: activities iCalendar feed", "/app/academy/activities.ics")
    bench.get("academy: mentor dashboard (demo-mentor)", "/app/academy/my/", user="demo-mentor")
    bench.get(
        "academy: manager's view of all pairings",
        "/app/academy/pairings/",
        user="demo-manager",
    )
    bench.get(
        "academy: manager's pairings, CSV export",
        "/app/academy/pairings/?export=csv",
        user="demo-manager",
    )
    busiest = (
        Pairing.objects.filter(mentor__username="demo-mentor")
        .annotate(n=Count("entries"))
        .order_by("-n")
        .first()
    )
    if busiest is not None:
        bench.get(
            "academy: busiest pairing page (demo-mentor)",
            busiest.get_absolute_url(),
            user="demo-mentor",
        )
    # The demo apprentice's pairing: the same pairing at every scale, with open entries.
    own = Pairing.objects.filter(
        mentor__username="demo-mentor", apprentice__username="demo-apprentice"
    ).first()
    if own is not None:
        bench.get(
            "academy: entries to confirm (demo-apprentice)",
            own.get_absolute_url() + "?show=open",
            user="demo-apprentice",
        )
        entry = own.entries.filter(confirmed_at__isnull=True).order_by("-date").first()
        if entry is not None:
            bench.get(
                "academy: edit an open entry (demo-mentor)",
                f"/app/academy/entries/{entry.pk}/edit/",
                user="demo-mentor",
            )
    bench.get(
        "academy: apprentice dashboard (demo-apprentice)",
        "/app/academy/my/",
        user="demo-apprentice",
    )
    bench.call(
        "academy: totals of every pairing (DB aggregate)",
        lambda: list(Pairing.objects.with_totals().values("pk", "hours_logged")),
    )
    bench.call("academy: logbook entries count", LogEntry.objects.count)
