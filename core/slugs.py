"""Readable web addresses for pages titled in Chinese: pinyin, not ``lesson-2``.

pypinyin is imported when a slug is made: its dictionaries take some 50 MB, which a web
worker serving pages never needs.
"""

from django.utils.text import slugify


def readable_slug(title, max_length=60):
    """``蓝印扎染：第一课`` → ``lan-yin-za-ran-di-yi-ke``; Latin letters and digits stay."""
    from pypinyin import Style, lazy_pinyin

    words = lazy_pinyin(title, style=Style.NORMAL, errors=lambda chars: [chars])
    slug = slugify("-".join(words))
    return slug[:max_length].rstrip("-")


def unique_slug(title, taken, fallback="page", max_length=60):
    """A readable slug not in ``taken``: ``-2``, ``-3``... added when needed."""
    base = readable_slug(title, max_length=max_length - 4) or fallback
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug
