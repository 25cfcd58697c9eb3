"""Photos that survive a refused form: kept, cleaned, for their uploader only, for a day.

A form refused for another field (hours = 30, a missing step title) would otherwise lose the
photos the person chose: browsers never put chosen files back into a re-rendered form. So the
view keeps each accepted, cleaned photo as a ``PendingPhoto`` and the form carries its opaque
token in a hidden input; when the form is saved, ``as_cleaned`` hands the photo to the service
and ``release`` deletes the pending copy. Tokens of another person are ignored, as if never
posted. ``clear_old`` (run hourly by Celery beat) deletes what was never used.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from .models import PendingPhoto
from .photos import CleanedFile, CleanedPhoto, new_name

LIFETIME = datetime.timedelta(days=1)
MAX_TOKENS = 30  # more than any form takes (6 evidence photos, 30 lesson steps)


def keep(user, photo, name=""):
    """Store a cleaned photo (``CleanedPhoto``) for ``user``; returns the ``PendingPhoto``."""
    extension = photo.file.name.rsplit(".", 1)[-1]
    photo.file.seek(0)
    pending = PendingPhoto(user=user, name=(name or photo.file.name)[:255])
    pending.captured_at = photo.captured_at
    pending.file.save(f"{new_name()}.{extension}", photo.file, save=False)
    pending.save()
    photo.file.seek(0)
    return pending


def find(user, tokens):
    """The pending photos of ``user`` with these tokens, in the order given (others ignored)."""
    tokens = [token for token in tokens if token][:MAX_TOKENS]
    if not tokens or not user.is_authenticated:
        return []
    rows = PendingPhoto.objects.for_user(user).filter(
        token__in=tokens, created_at__gte=timezone.now() - LIFETIME
    )
    storage = PendingPhoto._meta.get_field("file").storage
    by_token = {row.token: row for row in rows if storage.exists(row.file.name)}
    found = []
    for token in tokens:
        if token in by_token and by_token[token] not in found:
            found.append(by_token[token])
    return found


def as_cleaned(pending):
    """The pending photo as a ``CleanedPhoto`` to store (the file is clean already)."""
    with pending.file.open("rb") as handle:
        data = handle.read()
    extension = pending.file.name.rsplit(".", 1)[-1]
    return CleanedPhoto(CleanedFile(data, name=f"{new_name()}.{extension}"), pending.captured_at)


def release(pendings):
    """Delete pending photos once used (their files once the transaction commits)."""
    pendings = [pending for pending in pendings if pending.pk]
    if not pendings:
        return
    names = [pending.file.name for pending in pendings if pending.file]
    PendingPhoto.objects.filter(pk__in=[pending.pk for pending in pendings]).delete()
    storage = PendingPhoto._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def clear_old(now=None):
    """Delete the pending photos older than a day; returns how many."""
    now = now or timezone.now()
    old = list(PendingPhoto.objects.filter(created_at__lt=now - LIFETIME))
    release(old)
    return len(old)
