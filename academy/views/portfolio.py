"""The apprentice's portfolio: evidence and reflections, queries, progress reviews, the PDF."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from wagtail.images.exceptions import InvalidFilterSpecError
from wagtail.images.models import SourceImageIOError

from core import private_media
from core.access import role_required, scoped_or_404
from core.refusals import Refused
from core.roles import APPRENTICE, MENTOR

from ..forms import EvidenceForm, QueryForm, ReviewForm
from ..models import PortfolioItem, ProgressReview
from ..pagination import paginate
from ..services.access import is_apprentice_of
from ..services.logbook import query_entry
from ..services.portfolio import add_item, record_review, remove_item, sign_review
from .common import entry_rows, pairing_rows, refused
from .photos import PHOTO_SIZES


@role_required(MENTOR, APPRENTICE)
@require_http_methods(["GET", "HEAD", "POST"])
def entry_query(request, pk):
    """The apprentice returns an entry to the mentor with a note instead of confirming it."""
    entry = scoped_or_404(entry_rows(), request.user, pk=pk)
    if not is_apprentice_of(request.user, entry.pairing):
        raise PermissionDenied
    if entry.is_confirmed:
        return refused(
            request,
            Refused(_("This entry is already confirmed.")),
            entry.pairing,
            entry.get_absolute_url(),
        )
    form = QueryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            query_entry(entry, request.user, form.cleaned_data["note"])
        except Refused as refusal:
            refusal.add_to(form)
        else:
            messages.success(request, _("The entry went back to your mentor with your note."))
            return redirect(entry.pairing)
    return render(
        request,
        "academy/entry_query.html",
        {"entry": entry, "pairing": entry.pairing, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@role_required(APPRENTICE)
@require_http_methods(["GET", "HEAD", "POST"])
def evidence_add(request, pk):
    pairing = scoped_or_404(pairing_rows(), request.user, pk=pk)
    if not is_apprentice_of(request.user, pairing):
        raise PermissionDenied
    if request.method == "POST":
        form = EvidenceForm(request.POST, request.FILES, pairing=pairing)
        if form.is_valid():
            data = form.cleaned_data
            try:
                add_item(
                    pairing,
                    request.user,
                    kind=data["kind"],
                    title=data["title"],
                    date=data["date"],
                    text=data["text"],
                    entry=data["entry"],
                    upload=data["file"],
                )
            except Refused as refusal:
                refusal.add_to(form)
            else:
                messages.success(request, _("Added to your portfolio."))
                return redirect(pairing.get_absolute_url() + "#portfolio-heading")
        status = 400
    else:
        form, status = EvidenceForm(pairing=pairing, initial=_initial(request, pairing)), 200
    return render(
        request, "academy/evidence_form.html", {"pairing": pairing, "form": form}, status=status
    )


def _initial(request, pairing):
    initial = {"date": timezone.localdate()}
    entry = request.GET.get("entry", "")
    if entry.isdigit() and pairing.entries.filter(pk=entry).exists():
        initial["entry"] = int(entry)
    return initial


@role_required(MENTOR, APPRENTICE)
@require_safe
def portfolio_list(request, pk):
    """Everything the apprentice added, newest first, a page at a time."""
    pairing = scoped_or_404(pairing_rows(), request.user, pk=pk)
    items = pairing.portfolio.select_related("entry").order_by("-date", "-pk")
    return render(
        request,
        "academy/portfolio_list.html",
        {
            "pairing": pairing,
            "items": paginate(request, items),
            "is_apprentice": is_apprentice_of(request.user, pairing),
        },
    )


@role_required(APPRENTICE)
@require_POST
def evidence_remove(request, pk):
    item = scoped_or_404(PortfolioItem.objects.select_related("pairing"), request.user, pk=pk)
    remove_item(item, request.user)
    messages.success(request, _("Removed from your portfolio."))
    return redirect(item.pairing.get_absolute_url() + "#portfolio-heading")


@role_required(MENTOR, APPRENTICE)
@require_safe
def evidence_file(request, pk, size=None):
    """An item's photo (resized), video or document, for those who may see its pairing only."""
    if size is not None and size not in PHOTO_SIZES:
        raise Http404
    item = scoped_or_404(PortfolioItem.objects.select_related("image"), request.user, pk=pk)
    if item.image is not None:
        try:
            rendition = item.image.get_rendition(PHOTO_SIZES[size or "large"])
        except (SourceImageIOError, InvalidFilterSpecError, OSError) as error:
            raise Http404("photo missing") from error
        return private_media.serve(rendition.file)
    response = private_media.serve(item.file)
    if item.kind == PortfolioItem.Kind.DOCUMENT:
        name = item.file_name or item.file.name.rsplit("/", 1)[-1]
        response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@role_required(MENTOR, APPRENTICE)
@require_http_methods(["GET", "HEAD", "POST"])
def review_add(request, pk):
    pairing = scoped_or_404(pairing_rows(), request.user, pk=pk)
    if request.user.pk not in (pairing.mentor_id, pairing.apprentice_id):
        raise PermissionDenied
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            record_review(pairing, request.user, **form.cleaned_data)
        except Refused as refusal:
            refusal.add_to(form)
        else:
            messages.success(request, _("The review is recorded and signed by you."))
            return redirect(pairing.get_absolute_url() + "#reviews-heading")
    return render(
        request,
        "academy/review_form.html",
        {"pairing": pairing, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@role_required(MENTOR, APPRENTICE)
@require_POST
def review_sign(request, pk):
    review = scoped_or_404(ProgressReview.objects.select_related("pairing"), request.user, pk=pk)
    try:
        sign_review(review, request.user)
    except Refused as refusal:
        return refused(request, refusal, review.pairing, review.pairing.get_absolute_url())
    messages.success(request, _("You signed the review."))
    return redirect(review.pairing.get_absolute_url() + "#reviews-heading")


@role_required(MENTOR, APPRENTICE)
@require_safe
def portfolio_download(request, pk):
    """The printable portfolio, a PDF to take to a vocational skill-level assessment."""
    pairing = scoped_or_404(pairing_rows(), request.user, pk=pk)
    try:
        from ..services.portfolio_pdf import portfolio_pdf  # fpdf2 (~30 MB) loaded on use

        document = portfolio_pdf(pairing)
    except Refused as refusal:
        return refused(request, refusal, pairing, pairing.get_absolute_url())
    response = HttpResponse(document, content_type="application/pdf")
    name = f"portfolio-{pairing.pk}-{pairing.apprentice.username}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
