"""The Chinese font the site draws certificates and prints PDFs with."""

import functools
from pathlib import Path

from django.conf import settings

# CJK fonts looked for in order; CERTIFICATE_FONT in the environment or settings wins.
FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
]


def font_file():
    """The first Chinese font file found, or None."""
    configured = getattr(settings, "CERTIFICATE_FONT", None)
    for candidate in [configured, *FONT_CANDIDATES]:
        if candidate and Path(candidate).exists():
            return candidate
    return None


@functools.cache
def pdf_font():
    """A Chinese font file for fpdf2 and, for a collection, the index of its Simplified
    Chinese face; None when the server has none."""
    configured = getattr(settings, "PDF_FONT", None) or getattr(settings, "CERTIFICATE_FONT", None)
    for candidate in [configured, *FONT_CANDIDATES]:
        if candidate and Path(candidate).exists():
            if candidate.lower().endswith(".ttc"):
                from fontTools.ttLib import TTCollection  # with fpdf2, only when a PDF is drawn

                faces = TTCollection(candidate).fonts
                names = [face["name"].getDebugName(4) or "" for face in faces]
                index = next((i for i, name in enumerate(names) if name.endswith(" SC")), 0)
                return candidate, index
            return candidate, 0
    return None
