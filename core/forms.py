from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .accounts import STAFF_ROLES, account_scopes, set_roles, staff_roles_of
from .models import CODE_ALPHABET, wecom_userid_validator
from .roles import ROLE_LABELS


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


class AccountForm(forms.ModelForm):
    """A staff account: name, login, email, roles, each scoped role's scope, active or not."""

    roles = forms.MultipleChoiceField(
        label=_("Roles"), widget=forms.CheckboxSelectMultiple, required=True
    )

    class Meta:
        model = get_user_model()
        fields = ["first_name", "username", "email", "is_active"]
        labels = {"first_name": _("Full name")}
        help_texts = {
            "is_active": _(
                "Untick to deactivate the account: the person can no longer log in, and "
                "everything they recorded stays."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["roles"].choices = [(role, ROLE_LABELS[role]) for role in STAFF_ROLES]
        self.scopes = account_scopes()
        editing = self.instance.pk is not None
        if editing:
            self.fields["roles"].initial = staff_roles_of(self.instance)
        else:  # a new account is active: it is deactivated later, on its own page
            del self.fields["is_active"]
        for role, scope in self.scopes.items():
            field = forms.ModelMultipleChoiceField(
                queryset=scope.rows(),
                label=_("%(scope)s (%(role)s)") % {"scope": scope.label, "role": ROLE_LABELS[role]},
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            field.label_from_instance = scope.name_of
            if editing:
                field.initial = [row.pk for row in scope.of_user(self.instance)]
            self.fields[f"scope_{role}"] = field

    def scope_fields(self):
        return [self[f"scope_{role}"] for role in self.scopes]

    def save_account(self, by):
        user = self.instance
        if user.pk is None:
            user.set_unusable_password()
        user.last_name = ""
        user.save()
        roles = self.cleaned_data["roles"]
        set_roles(user, roles)
        for role, scope in self.scopes.items():
            rows = self.cleaned_data[f"scope_{role}"] if role in roles else []
            scope.assign(user, list(rows), by)
        return user
