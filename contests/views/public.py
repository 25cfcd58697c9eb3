"""Public views behind the contest pages: the index filters, registration and objections."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from core.limits import count_post
from core.page_views import page_view
from core.refusals import Refused

from ..filters import ContestFilter
from ..forms import ObjectionForm, RegistrationForm
from ..models import (
    ContestIndexPage,
    ContestPage,
    ContestType,
    Entrant,
    Level,
    Objection,
    ResultsPage,
    Stage,
)
from ..services.entrants import register as register_entrant


@page_view(ContestIndexPage, "index_context")
def contest_index_context(request, index):
    """The contest index's listing: filtered by year, level and type, 12 to a page."""
    contests = ContestPage.objects.child_of(index).live().public().order_by("-starts_on", "title")
    filters = ContestFilter(request.GET, queryset=contests)
    page = Paginator(filters.qs, 12).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "contests": page,
        "years": filters.years,
        "levels": Level.choices,
        "types": ContestType.choices,
        "selected": filters.selected,
        "bad_filter": filters.bad,
        "query": query.urlencode(),
    }


@page_view(ContestIndexPage, "archive")
def results_archive(request, index):
    pages = (
        ResultsPage.objects.descendant_of(index)
        .live()
        .public()
        .filter(stage__in=[Stage.FINAL, Stage.NOTICE])
        .select_related("event__contest")
        .order_by("-event__contest__year", "event__contest__title", "event__name")
    )
    page = Paginator(pages, 30).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "contests/results_archive.html", {"page": index, "results": page}
    )


@page_view(ContestPage, "register")
def register(request, contest):
    """The registration form, while the contest's window is open."""
    context = {"page": contest, "self": contest}
    if not contest.registration_open:
        context["closed"] = True
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "contests/register.html", context, status=status)
    form = RegistrationForm(request.POST if request.method == "POST" else None, contest=contest)
    if not form.fields["event"].queryset.exists():
        context["no_events"] = True
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "contests/register.html", context, status=status)
    status = 200
    if request.method == "POST":
        status = 400
        try:
            count_post(request, "contest-registration")
            if form.is_valid():
                event = form.cleaned_data["event"]
                entrant = register_entrant(
                    event,
                    name=form.cleaned_data["name"],
                    unit=form.cleaned_data["unit"],
                    phone=form.cleaned_data["phone"],
                    source=Entrant.Source.FORM,
                )
                messages.success(
                    request,
                    _("Registered for %(event)s. Your number is %(bib)s.")
                    % {"event": event.name, "bib": entrant.bib},
                )
                return redirect(contest.url)
        except Refused as refusal:
            refusal.add_to(form)
            status = refusal.status
    context["form"] = form
    return TemplateResponse(request, "contests/register.html", context, status=status)


@page_view(ResultsPage, "results_context")
def results_context(request, results_page):
    """The objection form while the public notice runs; once it has ended, the objections
    the organizers answered (without the senders' names or contacts)."""
    if results_page.notice_open:
        return {"objection_form": ObjectionForm()}
    answered = (
        results_page.event.objections.exclude(status=Objection.Status.OPEN)
        .exclude(answer="")
        .order_by("created_at")
    )
    return {"answered_objections": list(answered[:50])}


@page_view(ResultsPage, "objection")
def objection(request, results_page):
    if request.method != "POST":
        return redirect(results_page.url)
    if not results_page.notice_open:
        # A form left open after the notice ended: say so instead of dropping it silently.
        messages.error(request, _("The public notice has ended: objections are closed."))
        context = results_page.get_context(request)
        return TemplateResponse(request, "contests/results_page.html", context, status=400)
    form = ObjectionForm(request.POST)
    status = 400
    try:
        count_post(request, "contest-objection")
        if form.is_valid():
            item = form.save(commit=False)
            item.event = results_page.event
            item.save()
            messages.success(request, _("Your objection was sent. The organizers will answer it."))
            return redirect(results_page.url)
    except Refused as refusal:
        refusal.add_to(form)
        status = refusal.status
    context = results_page.get_context(request)
    context["objection_form"] = form
    return TemplateResponse(request, "contests/results_page.html", context, status=status)
