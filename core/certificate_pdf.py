"""Certificates as PDF pages with real text, drawn with fpdf2 (imported only when a PDF is
drawn: the library and its font tools add some 30 MB to a process)."""

from fpdf import FPDF

from .certificates import ACCENT, INK, qr_png
from .fonts import pdf_font


class CertificateDocument(FPDF):
    """Certificates as PDF pages with real text (selectable, searchable, the font embedded)."""

    def __init__(self):
        super().__init__(orientation="landscape", format="A4")
        self.set_auto_page_break(auto=False)
        self.set_margins(0, 0, 0)
        font = pdf_font()
        self.add_font("cjk", fname=font[0], collection_font_number=font[1])

    def _centered(self, y, text, size, color=INK):
        self.set_font("cjk", size=size)
        self.set_text_color(*color)
        self.set_xy(20, y)
        self.cell(self.w - 40, size * 0.45, text, align="C")

    def add_certificate(self, certificate):
        self.add_page()
        self.set_title(f"{certificate.title} · {certificate.recipient_name}")
        self.set_fill_color(253, 249, 238)
        self.rect(0, 0, self.w, self.h, style="F")
        self.set_draw_color(*ACCENT)
        self.set_line_width(1.4)
        self.rect(7, 7, self.w - 14, self.h - 14)
        self.set_draw_color(200, 160, 90)
        self.set_line_width(0.5)
        self.rect(10.5, 10.5, self.w - 21, self.h - 21)
        self._centered(26, "证  书", 54, ACCENT)
        self._centered(56, certificate.recipient_name, 38)
        self._centered(78, certificate.title, 26)
        y = 96
        for line in certificate.details.splitlines()[:5]:
            self._centered(y, line, 18)
            y += 10
        self.set_text_color(*INK)
        left = 24
        for top, size, text in (
            (self.h - 48, 18, certificate.issuer),
            (self.h - 38, 16, certificate.issued_on.strftime("%Y-%m-%d")),
            (self.h - 29, 16, f"验证码 {certificate.code}"),
            (self.h - 21, 10, certificate.get_verification_url()),
        ):
            self.set_font("cjk", size=size)
            self.set_xy(left, top)
            self.cell(160, size * 0.45, text)
        self.image(qr_png(certificate), x=self.w - 71, y=self.h - 71, w=50, h=50)
