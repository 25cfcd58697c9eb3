"""A honeypot for the public forms: a text field people never see and scripts fill in.

The field is moved off screen by the stylesheet (not ``display: none``, which some scripts
skip), hidden from screen readers (``aria-hidden``), out of the tab order (``tabindex=-1``)
and closed to autofill (``autocomplete=off``). A post that fills it is refused like any invalid
form: a 400 re-rendering the form with a general message, nothing saved. The field is never
echoed back, so a person whose browser filled it anyway only has to send the form again.
"""

import logging

from django import forms
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

FIELD = "remarks"


class HoneypotInput(forms.TextInput):
    def __init__(self):
        super().__init__(attrs={"tabindex": "-1", "autocomplete": "off", "aria-hidden": "true"})

    def format_value(self, value):
        return None  # never echo what was typed into it


class HoneypotMixin:
    """Adds the honeypot field to a form; a filled one makes the form invalid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[FIELD] = forms.CharField(
            label=_("Leave this field empty"), required=False, widget=HoneypotInput()
        )

    @property
    def honeypot(self):
        return self[FIELD]

    def clean(self):
        if self.data.get(self.add_prefix(FIELD)):
            logger.info("Honeypot filled in %s: refused", type(self).__name__)
            raise forms.ValidationError(
                _("The form could not be sent. Please check your entries and send it again."),
                code="honeypot",
            )
        return super().clean()
