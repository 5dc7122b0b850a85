"""The form that sets a budget ceiling."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from training.models import Competency, TrainingProgram

from .session_forms import RupiahField


class CeilingForm(forms.Form):
    district = forms.ModelChoiceField(queryset=None, label=_("District"), empty_label=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    program = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Program (optional)"), empty_label=_("—")
    )
    competency = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Competency (optional)"), empty_label=_("—")
    )
    amount = RupiahField(
        label=_("Ceiling (Rp)"),
        max_digits=16,
        decimal_places=2,
        min_value=0,
        error_messages={"invalid": _("Enter the ceiling as a number of rupiah, e.g. 50000000.")},
    )

    def __init__(self, *args, districts, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        self.fields["year"].initial = year
        self.fields["program"].queryset = TrainingProgram.objects.filter(
            district__in=districts
        ).order_by("title")
        self.fields["competency"].queryset = Competency.objects.filter(
            district__in=districts
        ).order_by("name")
        self.helper = FormHelper()
        self.helper.form_id = "ceiling-form"
        self.helper.layout = Layout(
            Row(
                Column("district", css_class="col-md-4"),
                Column("year", css_class="col-md-2"),
                Column("amount", css_class="col-md-6"),
            ),
            Row(
                Column("program", css_class="col-md-6"), Column("competency", css_class="col-md-6")
            ),
            Submit("save", _("Set the ceiling")),
        )

    def clean(self):
        cleaned = super().clean()
        district = cleaned.get("district")
        program, competency = cleaned.get("program"), cleaned.get("competency")
        if program and competency:
            self.add_error("competency", _("A ceiling is for a program or a competency, not both."))
        for name, item in (("program", program), ("competency", competency)):
            if item and district and item.district_id != district.pk:
                self.add_error(name, _("It belongs to another district."))
        return cleaned
