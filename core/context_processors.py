from .roles import ROLE_LABELS, user_roles


def site_shell(request):
    """What the base template needs on every page: the signed-in user's roles."""
    roles = user_roles(getattr(request, "user", None)) if hasattr(request, "user") else set()
    return {"user_role_labels": [ROLE_LABELS[role] for role in ROLE_LABELS if role in roles]}
