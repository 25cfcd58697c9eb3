"""The printable portfolio: a PDF with real text (searchable, copyable) and the evidence as
thumbnails, for a vocational skill-level assessment (职业技能等级认定)."""

import io

from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from wagtail.images.exceptions import InvalidFilterSpecError
from wagtail.images.models import SourceImageIOError

from core.fonts import pdf_font as _font
from core.refusals import Refused

from ..models import EvidencePhoto, SkillTag
from .progress import competency_map

THUMB = "fill-240x180"
THUMBS_PER_ENTRY = 3


class PortfolioDocument(FPDF):
    def __init__(self, footer_text):
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(18, 18, 18)

    def footer(self):
        self.set_y(-12)
        self.set_font("cjk", size=8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 6, f"{self.footer_text} · {self.page_no()}", align="C")


def portfolio_pdf(pairing):
    """The pairing's portfolio as PDF bytes."""
    font = _font()
    if font is None:
        raise Refused(_("No Chinese font is installed on the server for the PDF."), status=503)
    entries = list(
        pairing.entries.prefetch_related(
            "skills",
            "ratings__competency",
            Prefetch(
                "photos",
                queryset=EvidencePhoto.objects.select_related("image").order_by("taken_at", "pk"),
            ),
        ).order_by("date", "pk")
    )
    items = list(pairing.portfolio.select_related("image", "entry").order_by("date", "pk"))
    reviews = list(pairing.reviews.order_by("date", "pk"))
    skills = (
        SkillTag.objects.filter(content_object__pairing=pairing)
        .values("tag__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "tag__name")
    )
    today = timezone.localdate()
    pdf = PortfolioDocument(
        _("Portfolio of %(name)s, printed %(date)s")
        % {"name": pairing.apprentice_name, "date": today.isoformat()}
    )
    pdf.add_font("cjk", fname=font[0], collection_font_number=font[1])
    pdf.set_title(_("Apprentice portfolio") + f" · {pairing.apprentice_name}")
    pdf.set_author(pairing.mentor_name)
    pdf.add_page()
    width = pdf.epw

    def heading(text, size=13):
        pdf.ln(3)
        pdf.set_font("cjk", size=size)
        pdf.set_text_color(168, 38, 29)
        pdf.multi_cell(width, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(30, 30, 30)
        pdf.set_font("cjk", size=10)

    def line(text, height=6):
        pdf.multi_cell(width, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    heading(_("Apprentice portfolio"), size=18)
    facts = [
        (_("Apprentice"), pairing.apprentice_name),
        (_("Mentor"), pairing.mentor_name),
        (_("Trade"), pairing.trade.name),
        (_("Studio"), pairing.studio.title if pairing.studio else "—"),
        (_("Period"), f"{pairing.start:%Y-%m-%d} – {pairing.planned_end:%Y-%m-%d}"),
        (_("Target skill level"), str(pairing.get_target_level_display())),
        (_("Status"), str(pairing.get_status_display())),
        (
            _("Hours"),
            _("%(logged)s of %(target)s hours logged, %(confirmed)s confirmed by the apprentice")
            % {
                "logged": sum(entry.hours for entry in entries),
                "target": pairing.target_hours,
                "confirmed": sum(entry.hours for entry in entries if entry.is_confirmed),
            },
        ),
    ]
    if pairing.certificate:
        facts.append((_("Certificate"), pairing.certificate.code))
    for label, value in facts:
        line(f"{label}：{value}")

    heading(_("Competency map"))
    progress = competency_map(pairing)
    for label, key in (
        (_("Reached"), "reached"),
        (_("In progress"), "in_progress"),
        (_("Not started"), "not_started"),
    ):
        names = "、".join(competency.name for competency in progress[key]) or "—"
        line(f"{label}：{names}")

    heading(_("Skills practised"))
    line("、".join(f"{row['tag__name']} ×{row['n']}" for row in skills) or "—")

    if reviews:
        heading(_("Progress reviews"))
        for review in reviews:
            signed = [
                _("mentor %(date)s") % {"date": f"{review.mentor_signed_at:%Y-%m-%d}"}
                if review.mentor_signed_at
                else _("mentor not signed"),
                _("apprentice %(date)s") % {"date": f"{review.apprentice_signed_at:%Y-%m-%d}"}
                if review.apprentice_signed_at
                else _("apprentice not signed"),
            ]
            line(f"{review.date:%Y-%m-%d} · " + _("Signed: %(who)s") % {"who": "，".join(signed)})
            line(_("Progress so far") + "：" + review.summary)
            line(_("Targets agreed") + "：" + review.targets)
            pdf.ln(2)

    heading(_("Logbook"))
    for entry in entries:
        pdf.set_font("cjk", size=11)
        status = _("confirmed") if entry.is_confirmed else _("not confirmed yet")
        line(f"{entry.date:%Y-%m-%d} · {entry.hours} h · {status}", height=7)
        pdf.set_font("cjk", size=10)
        names = "、".join(tag.name for tag in entry.skills.all())
        if names:
            line(_("Skills practised") + "：" + names)
        ratings = "、".join(
            f"{rating.competency.name}（{rating.get_rating_display()}）"
            for rating in entry.ratings.all()
        )
        if ratings:
            line(_("Competencies worked on") + "：" + ratings)
        if entry.notes:
            line(_("Notes") + "：" + entry.notes)
        if entry.reflection:
            line(_("Apprentice's reflection") + "：" + entry.reflection)
        _thumbnails(pdf, [photo.image for photo in entry.photos.all()][:THUMBS_PER_ENTRY])
        pdf.ln(2)

    if items:
        heading(_("Evidence and reflections added by the apprentice"))
        for item in items:
            pdf.set_font("cjk", size=11)
            line(f"{item.date:%Y-%m-%d} · {item.get_kind_display()} · {item.title}", height=7)
            pdf.set_font("cjk", size=10)
            if item.entry:
                line(_("About the session of %(date)s") % {"date": f"{item.entry.date:%Y-%m-%d}"})
            if item.text:
                line(item.text)
            if item.file_name:
                line(_("File: %(name)s") % {"name": item.file_name})
            if item.image:
                _thumbnails(pdf, [item.image])
            pdf.ln(2)
    return bytes(pdf.output())


def _thumbnails(pdf, images):
    """Up to a row of small pictures; a missing file is left out."""
    if not images:
        return
    size_w, size_h, gap = 48, 36, 4
    if pdf.get_y() + size_h > pdf.page_break_trigger:
        pdf.add_page()
    x, y = pdf.l_margin, pdf.get_y() + 1
    for image in images:
        try:
            rendition = image.get_rendition(THUMB)
            with rendition.file.open("rb") as handle:
                data = io.BytesIO(handle.read())
        except (SourceImageIOError, InvalidFilterSpecError, OSError):
            continue
        pdf.image(data, x=x, y=y, w=size_w, h=size_h)
        x += size_w + gap
    pdf.set_y(y + size_h + 2)
