"""Reading the QR code printed on a certificate image, for tests, with zxing-cpp."""

import zxingcpp
from PIL import Image


class QRNotFound(ValueError):
    pass


def decode(image_or_path):
    """The text of the QR code in an image (a PIL image, a path or a file object)."""
    image = image_or_path if isinstance(image_or_path, Image.Image) else Image.open(image_or_path)
    found = zxingcpp.read_barcodes(image.convert("RGB"), formats=zxingcpp.BarcodeFormat.QRCode)
    if not found:
        raise QRNotFound("no QR code in the image")
    return found[0].text
