from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CODE_ALPHABET, wecom_userid_validator


class VerifyCertificateForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=16,
        help_text=_("The code printed under the QR code of the certificate."),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper().replace("-", "").replace(" ", "")
        if not code or any(char not in CODE_ALPHABET for char in code):
            raise forms.ValidationError(
                _("A verification code has only letters and digits, like K7MX2Q9PHD.")
            )
        return code


class SecondFactorCodeForm(forms.Form):
    """The 6-digit code an authenticator app shows (spaces and a middle dash are forgiven)."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "").replace("-", "")
        if len(code) != 6 or not (code.isascii() and code.isdigit()):
            raise forms.ValidationError(_("Enter the 6 digits your app shows."))
        return code


class SearchForm(forms.Form):
    """The search box: the view reads ``q`` itself (core.search refuses a long one)."""

    q = forms.CharField(
        label=_("Search for"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "maxlength": 50, "enterkeyhint": "search"}),
    )


class WeComAccountForm(forms.Form):
    """The user's own WeCom userid; left empty, it is removed."""

    userid = forms.CharField(
        label=_("WeCom userid"),
        max_length=64,
        required=False,
        validators=[wecom_userid_validator],
        help_text=_(
            "Your account (账号) in the federation's WeCom, such as zhangsan. Leave it empty to "
            "stop WeCom notices."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class SpreadsheetUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("A .csv (UTF-8 or GBK) or .xlsx file; the first row holds the headers."),
    )
