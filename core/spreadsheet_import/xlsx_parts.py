"""The XML parts of an XLSX workbook, each streamed through expat without building a tree."""

import re
import zipfile
from xml.parsers import expat

from django.utils.translation import gettext as _

from .bounds import CHUNK, refuse_file, unreadable_xlsx


class Stop(Exception):
    """The rest of an XML part is not needed."""


class TooLong:
    """A shared string longer than the cell limit: refused only where a cell uses it."""


TOO_LONG = TooLong()
ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape(text):
    """Excel writes control characters as ``_x0007_`` (and a literal ``_x`` as ``_x005F_x``)."""
    if "_x" not in text:
        return text
    return ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)


class Part:
    """One XML part of the workbook, streamed through expat without building a tree.

    Subclasses see each element's local name (``x:row`` and ``row`` alike) in ``start`` and
    ``end``; the text of the elements they ``collect`` gathers in ``pieces``."""

    def __init__(self, budget, limits):
        self.budget = budget  # [elements still allowed], shared by every part of the file
        self.limits = limits
        self.collecting = False  # inside an element whose text is the value
        self.pieces = []  # the text of the current value
        self.length = 0

    def parse(self, archive, name):
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._doctype
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._characters
        try:
            with archive.open(name) as source:
                while chunk := source.read(CHUNK):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except Stop:
            pass
        except (expat.ExpatError, zipfile.BadZipFile, ValueError, EOFError, OSError):
            raise unreadable_xlsx() from None
        return self

    def _doctype(self, *args):
        raise unreadable_xlsx()

    def spend(self):
        """Count one element against the file's budget."""
        budget = self.budget
        budget[0] -= 1
        if budget[0] < 0:
            raise refuse_file(
                _(
                    "The worksheet holds too many cells or too much formatting to read: copy"
                    " the data into a new workbook, or save it as .csv."
                )
            )

    def _start(self, name, attrs):
        self.spend()
        if ":" in name:
            name = name.rpartition(":")[2]
        self.start(name, attrs)

    def _end(self, name):
        if ":" in name:
            name = name.rpartition(":")[2]
        self.end(name)

    def _characters(self, data):
        if self.collecting:
            self.length += len(data)
            if self.length > self.limits.max_cell_chars:
                self.too_long()
            else:
                self.pieces.append(data)

    def new_value(self):
        self.collecting = False
        self.pieces = []
        self.length = 0

    def value_text(self):
        text = "".join(self.pieces)
        self.pieces = []
        return text

    def too_long(self):
        self.collecting = False

    def start(self, name, attrs):
        pass

    def end(self, name):
        pass


class Relationships(Part):
    def __init__(self, budget, limits):
        super().__init__(budget, limits)
        self.targets = {}  # id -> (type, target)

    def start(self, name, attrs):
        if name == "Relationship" and attrs.get("TargetMode") != "External":
            self.targets[attrs.get("Id")] = (attrs.get("Type", ""), attrs.get("Target", ""))

    def of_type(self, suffix):
        for kind, target in self.targets.values():
            if kind.endswith(suffix):
                return target
        return None


class Workbook(Part):
    def __init__(self, budget, limits):
        super().__init__(budget, limits)
        self.first_sheet = None
        self.date1904 = False

    def start(self, name, attrs):
        if name == "workbookPr":
            self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")
        elif name == "sheet" and self.first_sheet is None:
            # r:id, in the relationships namespace
            self.first_sheet = next((v for k, v in attrs.items() if k.endswith(":id")), None)

    def end(self, name):
        if name == "sheets":
            raise Stop


class Styles(Part):
    """Which cell styles show numbers as dates or durations."""

    def __init__(self, budget, limits):
        super().__init__(budget, limits)
        self.formats = {}
        self.cell_formats = []  # numFmtId of each cellXfs style
        self.inside = None

    def start(self, name, attrs):
        if name in ("numFmts", "cellXfs"):
            self.inside = name
        elif name == "numFmt" and self.inside == "numFmts":
            self.formats[attrs.get("numFmtId")] = attrs.get("formatCode", "")
        elif name == "xf" and self.inside == "cellXfs":
            self.cell_formats.append(attrs.get("numFmtId", "0"))

    def end(self, name):
        if name == "cellXfs":
            raise Stop
        if name == "numFmts":
            self.inside = None

    def date_styles(self):
        from openpyxl.styles.numbers import (
            BUILTIN_FORMATS,
            is_date_format,
            is_timedelta_format,
        )

        dates, durations = set(), set()
        for index, format_id in enumerate(self.cell_formats):
            code = self.formats.get(format_id)
            if code is None and format_id.isdigit():
                code = BUILTIN_FORMATS.get(int(format_id))
            if code and is_date_format(code):
                dates.add(index)
                if is_timedelta_format(code):
                    durations.add(index)
        return dates, durations


class SharedStrings(Part):
    """The workbook's strings; one longer than the cell limit is kept as ``TOO_LONG``."""

    def __init__(self, budget, limits):
        super().__init__(budget, limits)
        self.strings = []
        self.long = False
        self.phonetic = 0  # inside rPh: a phonetic guide, not the text

    def start(self, name, attrs):
        if name == "si":
            self.new_value()
            self.long = False
        elif name == "t" and not self.phonetic and not self.long:
            self.collecting = True
        elif name == "rPh":
            self.phonetic += 1

    def end(self, name):
        if name == "t":
            self.collecting = False
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "si":
            text = self.value_text()
            self.strings.append(TOO_LONG if self.long else unescape(text))

    def too_long(self):
        self.collecting = False
        self.long = True
        self.pieces = []
