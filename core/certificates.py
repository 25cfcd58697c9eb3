"""Issuing, rendering and revoking certificates (shared by the academy and the contests)."""

from io import BytesIO

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from . import outbox
from .fonts import font_file, pdf_font
from .models import Certificate
from .roles import is_manager

WIDTH, HEIGHT = 1754, 1240  # A4 landscape at 150 dpi
INK = (60, 40, 20)
ACCENT = (170, 30, 30)


def _font(size):
    path = font_file()
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def issue_certificate(*, source, kind, recipient_name, title, details="", issued_on=None):
    """Create (or return the valid) certificate of a source object, and queue its rendering
    (``core.outbox``: inside the caller's transaction, sent after the commit).

    A revoked certificate stays verifiable as revoked; issuing again makes a new one.
    """
    source_type = ContentType.objects.get_for_model(source)
    certificate, created = Certificate.objects.get_or_create(
        source_type=source_type,
        source_id=source.pk,
        revoked_at__isnull=True,
        defaults={
            "kind": kind,
            "recipient_name": recipient_name,
            "title": title,
            "details": details,
            "issued_on": issued_on or timezone.localdate(),
        },
    )
    if created or not certificate.is_rendered:
        from .tasks import render_certificate_task

        # Recorded with the certificate, drawn by a worker once the broker has it.
        outbox.enqueue(render_certificate_task, certificate.pk)
    return certificate


REVOKE = "core.revoke_certificate"
REISSUE = "core.reissue_certificate"
REPLACE = "core.replace_certificate"


class CertificateRefused(ValueError):
    """A revocation or reissue that cannot be done; the message says why, for the user."""


def revoke_certificate(certificate, reason, *, user=None):
    """Revoke a valid certificate with a reason; the admin's history records who and why."""
    from wagtail.log_actions import log

    reason = (reason or "").strip()
    if not reason:
        raise CertificateRefused(_("Give the reason for revoking the certificate."))
    if not certificate.is_valid:
        raise CertificateRefused(_("This certificate is already revoked."))
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason[: Certificate._meta.get_field("revoked_reason").max_length]
    certificate.save(update_fields=["revoked_at", "revoked_reason"])
    log(certificate, REVOKE, user=user, data={"reason": certificate.revoked_reason})


@transaction.atomic
def reissue_certificate(certificate, reason, *, user=None):
    """Revoke a certificate and issue a new one for the same source with the same content and a
    new code; the old one's verification page points to the new one. Returns the new one."""
    from wagtail.log_actions import log

    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    revoke_certificate(certificate, reason, user=user)
    new = Certificate.objects.create(
        kind=certificate.kind,
        recipient_name=certificate.recipient_name,
        title=certificate.title,
        details=certificate.details,
        issued_on=timezone.localdate(),
        issuer=certificate.issuer,
        source_type=certificate.source_type,
        source_id=certificate.source_id,
    )
    certificate.replaced_by = new
    certificate.save(update_fields=["replaced_by"])
    from .tasks import render_certificate_task

    outbox.enqueue(render_certificate_task, new.pk)
    data = {"reason": certificate.revoked_reason, "old": certificate.code, "new": new.code}
    log(certificate, REISSUE, user=user, data=data)
    log(new, REPLACE, user=user, data=data)
    return new


def _scope_rows(model, user):
    """The rows of ``model`` a user may see: its own ``for_user`` scope, or else the scope of
    the first parent it points to that has one (a contest entrant: its event's organisers)."""
    rows = model._default_manager.all()
    if hasattr(rows, "for_user"):
        return rows.for_user(user)
    for field in model._meta.concrete_fields:
        parent = field.related_model if field.many_to_one else None
        if parent is not None and hasattr(parent._default_manager.all(), "for_user"):
            return rows.filter(**{f"{field.name}__in": parent._default_manager.for_user(user)})
    return rows.none()


def may_open(user, certificate):
    """A valid certificate's files are public (its code is on the public verification page);
    a revoked one's only for managers and whoever sees its source in their scope (a pairing's
    mentor and apprentice, a contest's organisers)."""
    if certificate.is_valid:
        return True
    if not user.is_authenticated:
        return False
    if is_manager(user):
        return True
    model = certificate.source_type.model_class() if certificate.source_type_id else None
    if model is None:
        return False
    return _scope_rows(model, user).filter(pk=certificate.source_id).exists()


def _centered(draw, y, text, font, fill=INK):
    left, _top, right, _bottom = draw.textbbox((0, 0), text, font=font)
    draw.text(((WIDTH - (right - left)) / 2, y), text, font=font, fill=fill)


def qr_png(certificate):
    """The QR code of the certificate's verification URL, as a PNG in memory."""
    import segno  # only when a QR code is drawn

    buffer = BytesIO()
    segno.make(certificate.get_verification_url(), error="m").save(
        buffer, kind="png", scale=8, border=2
    )
    buffer.seek(0)
    return buffer


def draw_certificate(certificate):
    """The certificate as a Pillow image: title, recipient, details, code and a QR code."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (253, 249, 238))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, WIDTH - 40, HEIGHT - 40), outline=ACCENT, width=8)
    draw.rectangle((62, 62, WIDTH - 62, HEIGHT - 62), outline=(200, 160, 90), width=3)
    _centered(draw, 140, "证  书", _font(110), ACCENT)
    _centered(draw, 320, certificate.recipient_name, _font(80))
    _centered(draw, 450, certificate.title, _font(56))
    y = 560
    for line in certificate.details.splitlines()[:5]:
        _centered(draw, y, line, _font(40))
        y += 62
    draw.text((140, HEIGHT - 260), certificate.issuer, font=_font(40), fill=INK)
    draw.text(
        (140, HEIGHT - 200), certificate.issued_on.strftime("%Y-%m-%d"), font=_font(36), fill=INK
    )
    draw.text((140, HEIGHT - 140), f"验证码 {certificate.code}", font=_font(36), fill=INK)

    qr = Image.open(qr_png(certificate)).convert("RGB").resize((300, 300))
    image.paste(qr, (WIDTH - 420, HEIGHT - 420))
    return image


def certificates_pdf(certificates):
    """One PDF with a page per certificate (to print), as bytes; None without a Chinese font."""
    if pdf_font() is None:
        return None
    from .certificate_pdf import CertificateDocument  # fpdf2 weighs some 30 MB: loaded on use

    document = CertificateDocument()
    for certificate in certificates:
        document.add_certificate(certificate)
    return bytes(document.output())


def render_certificate(certificate):
    """Write the PNG and PDF files of a certificate. The PDF carries the text; on a server
    without a Chinese font it falls back to the image."""
    image = draw_certificate(certificate)
    png = BytesIO()
    image.save(png, format="PNG", optimize=True)
    pdf = certificates_pdf([certificate])
    if pdf is None:
        buffer = BytesIO()
        image.save(buffer, format="PDF", resolution=150.0)
        pdf = buffer.getvalue()
    certificate.png.save(f"{certificate.code}.png", ContentFile(png.getvalue()), save=False)
    certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(pdf), save=False)
    certificate.save(update_fields=["png", "pdf"])
    return certificate
