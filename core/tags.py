"""Tags as people type them: Chinese keyboards separate words with ，、；, not commas.

``parse_tags`` is django-taggit's ``TAGGIT_TAGS_FROM_STRING``: every tag field on the site
(logbook skills, lesson tags, studio trades, in the workspace and in the admin) splits on
Western and full-width commas, the enumeration comma 、, semicolons and line breaks alike.
"""

import re

from taggit.utils import _parse_tags

SEPARATORS = re.compile(r"[，、；;\n\r]+")


def parse_tags(text):
    """The sorted, unique tag names in ``text``."""
    if not text:
        return []
    return _parse_tags(SEPARATORS.sub(",", text))
