"""Who is who in a pairing, and which entries a user may see."""

from ..models import LogEntry, Pairing


def is_mentor_of(user, pairing):
    return user.is_authenticated and pairing.mentor_id == user.pk


def is_apprentice_of(user, pairing):
    return user.is_authenticated and pairing.apprentice_id == user.pk


def entries_for_user(user):
    return LogEntry.objects.filter(pairing__in=Pairing.objects.for_user(user))
