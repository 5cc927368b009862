from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Wrong username or password. Both are case-sensitive."),
        "inactive": _("This account is disabled. Contact your unit's focal point."),
    }

    username = forms.CharField(
        label=_("Username"), widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class OtpForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code"), max_length=10,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*", "autofocus": True,
        }),
        help_text=_("The code your authenticator app shows now for Học Số."),
    )


class ConsentForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read the notice and agree to the processing of my personal data as it describes."),
        error_messages={"required": _("Tick the box to continue, or sign out.")},
    )
