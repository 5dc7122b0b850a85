"""Forms of outside learning: the claim (phone first) and the supervisor's decision."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from districts.validation import validate_portal_date

from ..models import Institution, TrainingProgram
from ..services import learning


class ClaimForm(forms.Form):
    """An outside learning activity with its certificate."""

    method = forms.ChoiceField(label=_("Form of learning"), choices=TrainingProgram.Method.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    institution = forms.CharField(
        label=_("Organiser"),
        max_length=200,
        help_text=_("E.g. a university, a ministry or LAN; pick a known name where there is one."),
        widget=forms.TextInput(attrs={"list": "institutions", "autocomplete": "off"}),
    )
    competency_kind = forms.ChoiceField(
        label=_("Competency kind"), choices=TrainingProgram.CompetencyKind.choices
    )
    start_date = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_date = forms.DateField(
        label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    hours = forms.DecimalField(
        label=_("Hours of learning"),
        min_value=0.5,
        max_value=2000,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    evidence = forms.FileField(
        label=_("Certificate (PDF, JPEG or PNG)"),
        validators=[learning.check_evidence],
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,image/*"}),
    )

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.helper = FormHelper()
        self.helper.form_id = "claim-form"
        self.helper.layout = Layout(
            "method",
            "title",
            "institution",
            "competency_kind",
            Row(Column("start_date", css_class="col-6"), Column("end_date", css_class="col-6")),
            "hours",
            "evidence",
            Submit("submit", _("Send for verification"), css_class="w-100"),
        )

    def institutions(self):
        return Institution.objects.values_list("name", flat=True)[:500]

    def clean_start_date(self):
        value = self.cleaned_data["start_date"]
        validate_portal_date(value)
        return value

    def clean_end_date(self):
        value = self.cleaned_data["end_date"]
        validate_portal_date(value)
        if value > self.today:
            raise forms.ValidationError(_("Claim learning once it has ended."))
        return value

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day cannot be before the first."))
        return data


class VerifyForm(forms.Form):
    """Verify a claim with the JP credited, or return it with a reason."""

    decision = forms.ChoiceField(
        choices=[("verify", _("Verify")), ("return", _("Return"))], widget=forms.HiddenInput
    )
    jp_credited = forms.IntegerField(
        label=_("JP credited"), min_value=0, max_value=500, required=False
    )
    reason = forms.CharField(
        label=_("Reason for returning"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "verify" and data.get("jp_credited") is None:
            self.add_error("jp_credited", _("Enter the JP to credit."))
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason for returning the claim."))
        return data
