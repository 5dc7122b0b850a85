from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Please enter a correct NIP (or username) and password."),
    }
    username = forms.CharField(
        label=_("NIP or username"),
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "inputmode": "text"}
        ),
        help_text=_("Civil servants log in with their 18-digit NIP; spaces are allowed."),
    )
