"""What the heritage views share: the form methods and the craftsmen's own views."""

from django.views.decorators.http import require_http_methods

from core.access import role_required
from core.roles import CRAFTSMAN

require_form_methods = require_http_methods(["GET", "HEAD", "POST"])


# A craftsman's own lesson drafts: managers review lessons in the Wagtail admin and have no
# craft of their own to draft for.
craftsman_required = role_required(CRAFTSMAN, managers=False)
