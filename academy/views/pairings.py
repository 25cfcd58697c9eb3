"""A pairing's page, its status and its completion."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.access import role_required, scoped_or_404
from core.refusals import Refused
from core.roles import APPRENTICE, MENTOR, is_manager

from ..filters import EntryFilter
from ..forms import CompleteForm, PublicityForm, StatusForm
from ..models import EvidencePhoto, Pairing
from ..pagination import paginate
from ..services.access import is_apprentice_of, is_mentor_of
from ..services.completion import complete_pairing, unconfirmed_entries
from ..services.pairings import change_status, set_publicity
from ..services.progress import competency_map, hours_series, skills_series
from .common import pairing_rows, refused

PORTFOLIO_PREVIEW = 6


def timeline(page, reviews):
    """The page's entries with the progress reviews of the same stretch of dates, newest
    first; a review comes before the entries of its day."""
    entries = list(page.object_list)
    if not entries:
        return [("review", review) for review in reviews] if page.number == 1 else []
    newest = None if page.number == 1 else entries[0].date
    oldest = entries[-1].date if page.has_next() else None
    shown = [
        review
        for review in reviews
        if (newest is None or review.date <= newest) and (oldest is None or review.date >= oldest)
    ]
    rows = [(entry.date, 0, "entry", entry) for entry in entries]
    rows += [(review.date, 1, "review", review) for review in shown]
    rows.sort(key=lambda row: (row[0], row[1]), reverse=True)
    return [(kind, item) for _date, _order, kind, item in rows]


@role_required(MENTOR, APPRENTICE)
@require_safe
def pairing_detail(request, pk):
    pairing = scoped_or_404(pairing_rows(), request.user, pk=pk)
    entry_filter = EntryFilter(request.GET, queryset=pairing.entries.all())
    valid = entry_filter.is_valid()
    # A bad filter value: the error above the logbook, which shows every entry.
    entries = entry_filter.qs if valid else pairing.entries.all()
    show = entry_filter.form.cleaned_data["show"] if valid else ""
    entries = (
        entries.select_related("confirmed_by")
        .prefetch_related(
            "skills",
            Prefetch("photos", queryset=EvidencePhoto.objects.order_by("taken_at", "pk")),
        )
        .order_by("-date", "-pk")
    )
    manager = is_manager(request.user)
    page = paginate(request, entries, per_page=20)
    reviews = list(pairing.reviews.order_by("-date", "-pk"))
    portfolio = pairing.portfolio.select_related("entry").order_by("-date", "-pk")
    return render(
        request,
        "academy/pairing_detail.html",
        {
            "pairing": pairing,
            "entries": page,
            "timeline": timeline(page, [] if show else reviews),
            "reviews": reviews,
            "portfolio": list(portfolio[:PORTFOLIO_PREVIEW]),
            "portfolio_count": pairing.portfolio.count(),
            "show": show,
            "entry_filter": entry_filter,
            "competency_map": competency_map(pairing),
            "hours_series": hours_series(pairing),
            "skills_series": skills_series(pairing),
            "is_mentor": is_mentor_of(request.user, pairing),
            "is_apprentice": is_apprentice_of(request.user, pairing),
            "is_manager": manager,
            "publicity_form": PublicityForm(initial={"shown": pairing.shown_on_mentor_profile}),
            "status_form": StatusForm(
                manager=manager,
                initial={"status": pairing.status, "reason": pairing.break_reason},
            ),
        },
        status=200 if valid else 400,
    )


@role_required(MENTOR, APPRENTICE)
@require_POST
def pairing_status(request, pk):
    pairing = scoped_or_404(pairing_rows(), request.user, pk=pk)
    manager = is_manager(request.user)
    if not (manager or is_mentor_of(request.user, pairing)):
        raise PermissionDenied
    form = StatusForm(request.POST, manager=manager)
    if (
        form.is_valid()
        and form.cleaned_data["status"] == Pairing.Status.WITHDRAWN
        and pairing.is_open
        and request.POST.get("confirm") != "yes"
    ):
        # Withdrawing cannot be undone: ask once more before saving it.
        return render(
            request,
            "academy/pairing_status.html",
            {"pairing": pairing, "form": form, "confirm_withdraw": True},
        )
    if form.is_valid():
        try:
            change_status(
                pairing, request.user, form.cleaned_data["status"], form.cleaned_data["reason"]
            )
        except Refused as refusal:
            refusal.add_to(form)
        else:
            messages.success(request, _("The pairing's status is saved."))
            return redirect(pairing)
    return render(
        request,
        "academy/pairing_status.html",
        {"pairing": pairing, "form": form},
        status=400,
    )


@role_required(APPRENTICE)
@require_POST
def pairing_publicity(request, pk):
    """The apprentice says whether the mentor's public profile may name them."""
    pairing = scoped_or_404(pairing_rows(), request.user, pk=pk)
    form = PublicityForm(request.POST)
    form.is_valid()  # a checkbox: anything but "on" means no
    set_publicity(pairing, request.user, form.cleaned_data.get("shown", False))
    if pairing.shown_on_mentor_profile:
        messages.success(request, _("Your name is shown on your mentor's public profile."))
    else:
        messages.success(request, _("Your name is not shown on your mentor's public profile."))
    return redirect(pairing)


@role_required(MENTOR, APPRENTICE)
@require_http_methods(["GET", "HEAD", "POST"])
def pairing_complete(request, pk):
    """The manager completes a pairing whose targets are met, which issues the certificate."""
    pairing = scoped_or_404(pairing_rows(), request.user, pk=pk)
    if not is_manager(request.user):
        raise PermissionDenied
    if pairing.status == Pairing.Status.COMPLETED:
        if request.method == "POST":
            refusal = Refused(_("This pairing is already completed."))
            return refused(request, refusal, pairing, pairing.get_absolute_url())
        messages.info(request, _("This pairing is already completed."))
        return redirect(pairing)
    status, error = 200, None
    form = CompleteForm(
        request.POST if request.method == "POST" else None,
        initial={"reached_level": pairing.target_level},
    )
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise Refused(_("Choose the skill level the apprentice reached."))
            pairing = complete_pairing(
                pairing, request.user, reached_level=form.cleaned_data["reached_level"]
            )
        except Refused as refusal:
            error, status = refusal.message, refusal.status
        else:
            messages.success(
                request,
                _("The pairing is completed. Certificate %(code)s is being rendered.")
                % {"code": pairing.certificate.code},
            )
            return redirect(pairing)
    return render(
        request,
        "academy/pairing_complete.html",
        {
            "pairing": pairing,
            "error": error,
            "form": form,
            "unconfirmed": unconfirmed_entries(pairing),
        },
        status=status,
    )
