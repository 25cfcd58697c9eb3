"""A small pure-Python QR decoder for tests: reads the QR code printed on a certificate image.

Enough for a clean, upright, printed-by-us symbol (QR versions 1-40, numeric, alphanumeric and
byte segments); no error correction, no perspective. It locates the three finder patterns,
samples the module grid, reads the format information and mask, then the codewords in the
standard placement order. Function-pattern layouts and block tables come from ``segno``'s
published constants and pattern builders, so only the reading is written here.
"""

from PIL import Image
from segno import consts, encoder

ALPHANUMERIC = consts.ALPHANUMERIC_CHARS.decode()


class QRNotFound(ValueError):
    pass


def _dark(image):
    grey = image.convert("L")
    width, height = grey.size
    pixels = grey.load()
    return width, height, lambda x, y: pixels[x, y] < 128


def _runs(is_dark, y, width):
    runs, start, colour = [], 0, is_dark(0, y)
    for x in range(1, width):
        value = is_dark(x, y)
        if value != colour:
            runs.append((start, x - start, colour))
            start, colour = x, value
    runs.append((start, width - start, colour))
    return runs


def _finder_candidates(is_dark, width, height):
    """(left x, width in px, row) of every horizontal 1:1:3:1:1 dark-light run sequence."""
    found = []
    for y in range(height):
        runs = _runs(is_dark, y, width)
        for k in range(len(runs) - 4):
            window = runs[k : k + 5]
            if not window[0][2]:
                continue
            unit = sum(r[1] for r in window) / 7
            if unit < 1.5:
                continue
            expected = (1, 1, 3, 1, 1)
            if all(
                abs(r[1] - e * unit) <= unit * 0.6 for r, e in zip(window, expected, strict=True)
            ):
                found.append((window[0][0], sum(r[1] for r in window), y))
    return found


def _finders(candidates):
    """Group candidates into finder squares: (left, top, size in px)."""
    groups = []  # [left, width, rows]
    for x, w, y in candidates:
        group = next(
            (g for g in groups if abs(g[0] - x) <= 2 and abs(g[1] - w) <= 3 and y - g[2][-1] <= 2),
            None,
        )
        if group is None:
            groups.append([x, w, [y]])
        else:
            group[2].append(y)
    squares = []
    for x, w, rows in groups:
        # The 1:1:3:1:1 rows are those crossing the 3-module centre: a finder shows them on
        # about 3/7 of its height, a line of text on a row or two.
        unit = w / 7
        if len(rows) >= 2.5 * unit:
            squares.append((x, round(rows[0] - 2 * unit), w))
    return squares


def locate(image):
    """(left, top, module size, modules per side) of the QR code in an image."""
    width, height, is_dark = _dark(image)
    squares = _finders(_finder_candidates(is_dark, width, height))
    for left, top, size in squares:
        right = [
            s for s in squares if abs(s[1] - top) <= 3 and s[0] > left and abs(s[2] - size) <= 3
        ]
        below = [
            s for s in squares if abs(s[0] - left) <= 3 and s[1] > top and abs(s[2] - size) <= 3
        ]
        for r in right:
            for b in below:
                side = r[0] + r[2] - left
                if abs((b[1] + b[2] - top) - side) <= 4:
                    modules = side / (size / 7)
                    count = round((modules - 17) / 4) * 4 + 17  # sides are 21, 25, 29, …
                    return left, top, side / count, count
    raise QRNotFound("no QR code in this image")


def sample(image):
    left, top, module, count = locate(image)
    _w, _h, is_dark = _dark(image)
    return [
        [
            1 if is_dark(int(left + (j + 0.5) * module), int(top + (i + 0.5) * module)) else 0
            for j in range(count)
        ]
        for i in range(count)
    ]


def _template(version, error, mask):
    size = encoder.calc_matrix_size(version)
    matrix = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(matrix, size, size)
    encoder.add_alignment_patterns(matrix, size, size)
    if version >= 7:
        encoder.add_version_info(matrix, version)
    encoder.add_format_info(matrix, version, error, mask)
    return matrix


def _placement(template):
    """Data module positions in the order codewords are placed (ISO/IEC 18004, 7.7.3)."""
    size = len(template)
    order = []
    for right in range(size - 1, 0, -2):
        if right <= 6:
            right -= 1
        for vertical in range(size):
            for z in range(2):
                j = right - z
                upwards = ((right & 2) == 0) ^ (j < 6)
                i = (size - 1 - vertical) if upwards else vertical
                if template[i][j] == 0x2:
                    order.append((i, j))
    return order


def _format(matrix, version):
    """Error level and mask whose function patterns (format info included) match best."""
    best = None
    for error in (
        consts.ERROR_LEVEL_L,
        consts.ERROR_LEVEL_M,
        consts.ERROR_LEVEL_Q,
        consts.ERROR_LEVEL_H,
    ):
        for mask in range(8):
            template = _template(version, error, mask)
            wrong = sum(
                1
                for i in range(9)
                for j in range(9)
                if template[i][j] in (0, 1) and template[i][j] != matrix[i][j]
            )
            if best is None or wrong < best[0]:
                best = (wrong, error, mask, template)
    return best[1], best[2], best[3]


class _Bits:
    def __init__(self, data):
        self.bits = "".join(f"{byte:08b}" for byte in data)
        self.position = 0

    def read(self, count):
        if self.position + count > len(self.bits):
            return None
        value = int(self.bits[self.position : self.position + count], 2)
        self.position += count
        return value


def decode_matrix(matrix):
    size = len(matrix)
    version = (size - 17) // 4
    error, mask, template = _format(matrix, version)
    mask_fn = encoder.get_data_mask_functions(False)[mask]
    bits = [matrix[i][j] ^ (1 if mask_fn(i, j) else 0) for i, j in _placement(template)]
    codewords = bytes(
        int("".join(map(str, bits[k : k + 8])), 2) for k in range(0, len(bits) - 7, 8)
    )
    blocks = []
    for ec in consts.ECC[version][error]:
        blocks += [ec.num_data] * ec.num_blocks
    data_blocks = [bytearray() for _ in blocks]
    index = 0
    for column in range(max(blocks)):
        for b, length in enumerate(blocks):
            if column < length:
                data_blocks[b].append(codewords[index])
                index += 1
    stream = _Bits(b"".join(data_blocks))
    small, medium = version <= 9, version <= 26
    text = []
    while True:
        mode = stream.read(4)
        if not mode:
            break
        if mode == consts.MODE_BYTE:
            count = stream.read(8 if small else 16)
            text.append(bytes(stream.read(8) for _ in range(count)).decode("utf-8"))
        elif mode == consts.MODE_ALPHANUMERIC:
            count = stream.read(9 if small else 11 if medium else 13)
            chars = []
            for _ in range(count // 2):
                value = stream.read(11)
                chars += [ALPHANUMERIC[value // 45], ALPHANUMERIC[value % 45]]
            if count % 2:
                chars.append(ALPHANUMERIC[stream.read(6)])
            text.append("".join(chars))
        elif mode == consts.MODE_NUMERIC:
            count = stream.read(10 if small else 12 if medium else 14)
            digits = ""
            while count >= 3:
                digits += f"{stream.read(10):03d}"
                count -= 3
            if count == 2:
                digits += f"{stream.read(7):02d}"
            elif count == 1:
                digits += str(stream.read(4))
            text.append(digits)
        else:
            raise ValueError(f"unsupported QR segment mode {mode}")
    return "".join(text)


def decode(image_or_path):
    """The text of the QR code in an image (a PIL image, a path or a file object)."""
    image = image_or_path if isinstance(image_or_path, Image.Image) else Image.open(image_or_path)
    return decode_matrix(sample(image))
