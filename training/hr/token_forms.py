"""The form of the API token page."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from training.models import ApiToken

LIFETIMES = [(30, _("30 days")), (90, _("90 days")), (180, _("180 days")), (365, _("1 year"))]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “SIMPEG sync”. It appears in the audit log."),
    )
    scope = forms.ChoiceField(
        label=_("Scope"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ
    )
    lifetime = forms.TypedChoiceField(
        label=_("Valid for"), choices=LIFETIMES, coerce=int, initial=90
    )
    district = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Service account for the district"),
        help_text=_(
            "Administrators only: the token belongs to a new service account that is HR "
            "of this district alone. Leave empty for a token of your own."
        ),
    )

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if districts is None:
            del self.fields["district"]
        else:
            self.fields["district"].queryset = districts
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "name",
            Row(Column("scope", css_class="col-md-6"), Column("lifetime", css_class="col-md-6")),
            *(["district"] if "district" in self.fields else []),
            Submit("create", _("Create token"), css_class="mt-2"),
        )
