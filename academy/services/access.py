"""Who is who in a pairing."""


def is_mentor_of(user, pairing):
    return user.is_authenticated and pairing.mentor_id == user.pk


def is_apprentice_of(user, pairing):
    return user.is_authenticated and pairing.apprentice_id == user.pk
