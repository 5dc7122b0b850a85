"""The supervisor's level-3 form: three ratings and a comment."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

SCALE = [(value, str(value)) for value in range(1, 6)]


class BehaviourForm(forms.Form):
    applies = forms.TypedChoiceField(
        label=_("Does the person apply what was learned at work?"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    improved = forms.TypedChoiceField(
        label=_("Has the person's work improved since the training?"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    shares = forms.TypedChoiceField(
        label=_("Does the person share it with colleagues?"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=1000, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "behaviour-form"
        self.helper.layout = Layout(
            "applies", "improved", "shares", "comment", Submit("submit", _("Send the rating"))
        )
