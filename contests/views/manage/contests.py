"""The organizer's contests: the list, one contest (its events and objections), and importing
its entrants."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import scoped_or_404

from ...forms import NewEventForm, UploadForm
from ...models import ContestPage, Objection
from ...services.imports import import_entrants
from .base import organizer_required, upload


@organizer_required
def contests(request):
    contests = (
        ContestPage.objects.for_user(request.user)
        .annotate(
            event_count=Count("events", distinct=True),
            open_objections=Count(
                "events__objections",
                filter=Q(events__objections__status=Objection.Status.OPEN),
                distinct=True,
            ),
        )
        .order_by("-starts_on", "title")
    )
    page = Paginator(contests, 20).get_page(request.GET.get("page"))
    return render(request, "contests/manage/contests.html", {"contests": page})


@organizer_required
def contest_detail(request, pk):
    contest = scoped_or_404(ContestPage.objects.all(), request.user, pk=pk)
    events = (
        contest.events.annotate(
            entrant_count=Count("entrants", distinct=True),
            judge_count=Count("sheets", distinct=True),
        )
        .select_related("results_page")
        .order_by("name")
    )
    form = NewEventForm(
        request.POST if request.method == "POST" else None, contest=contest, prefix="event"
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            event = form.save(commit=False)
            event.contest = contest
            event.save()
            messages.success(request, _("Event “%(name)s” added.") % {"name": event.name})
            return redirect("contests:event", pk=event.pk)
        status = 400
    objections = Objection.objects.filter(event__contest=contest).select_related("event")[:50]
    return render(
        request,
        "contests/manage/contest.html",
        {
            "contest": contest,
            "events": events,
            "form": form,
            "upload_form": UploadForm(),
            "objections": objections,
        },
        status=status,
    )


@organizer_required
@require_POST
def import_entrants_view(request, pk):
    contest = scoped_or_404(ContestPage.objects.all(), request.user, pk=pk)

    def done(count):
        messages.success(request, _("%(count)s entrants imported.") % {"count": count})
        return redirect("contests:contest", pk=contest.pk)

    return upload(
        request,
        kind="entrants",
        contest=contest,
        run=lambda file: len(import_entrants(contest, file)),
        done=done,
    )
