"""The test-only QR decoder reads what segno writes, at the sizes certificates use."""

import io

import pytest
import segno
from PIL import Image

from tests.contests.qr_decode import QRNotFound, decode


def printed(text, error="m"):
    """A QR code as core.certificates prints it: scaled, resized, pasted on a page."""
    buffer = io.BytesIO()
    segno.make_qr(text, error=error).save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    qr = Image.open(buffer).convert("RGB").resize((300, 300))
    page = Image.new("RGB", (1754, 1240), (253, 249, 238))
    page.paste(qr, (1334, 820))
    return page


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("http://testserver/verify/JX4TVZRCM5/", "m"),
        ("https://example.org/en/verify/P3D8V7QEX3/", "q"),
        ("HELLO WORLD 2024", "l"),
        ("31415926535897932384", "h"),
        ("证书 " * 20, "m"),
    ],
)
def test_decodes_what_segno_encodes(text, error):
    assert decode(printed(text, error)) == text


def test_a_page_without_a_qr_code_is_refused():
    with pytest.raises(QRNotFound):
        decode(Image.new("RGB", (600, 400), (255, 255, 255)))
