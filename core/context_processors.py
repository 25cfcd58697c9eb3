from django.utils.functional import SimpleLazyObject

from .models import site_identity_for_request
from .roles import ROLE_LABELS, user_roles


def site_shell(request):
    """What the base template needs on every page: the signed-in user's roles and the site's
    identity (its name, address and filing numbers)."""
    roles = user_roles(getattr(request, "user", None)) if hasattr(request, "user") else set()
    return {
        "user_role_labels": [ROLE_LABELS[role] for role in ROLE_LABELS if role in roles],
        "site_identity": SimpleLazyObject(lambda: site_identity_for_request(request)),
    }
