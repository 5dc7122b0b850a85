"""Forms of the development plan: an item, and the supervisor's decision."""

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Competency, PlanItem, TrainingProgram


class PlanItemForm(forms.ModelForm):
    class Meta:
        model = PlanItem
        fields = ("competency", "program", "outside_learning", "jp_planned")

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].queryset = Competency.objects.filter(
            district_id=person.district_id, is_active=True
        ).order_by("name")
        self.fields["program"].queryset = TrainingProgram.objects.filter(
            district_id=person.district_id, is_active=True
        ).order_by("title")
        self.fields["jp_planned"].widget.attrs.update(min=1, max=200)
        self.helper = FormHelper()
        self.helper.form_id = "plan-item-form"
        self.helper.layout = Layout(
            Row(
                Column("competency", css_class="col-md-6"),
                Column("jp_planned", css_class="col-md-6"),
            ),
            Row(
                Column("program", css_class="col-md-6"),
                Column("outside_learning", css_class="col-md-6"),
            ),
            StrictButton(
                _("Add to the plan"),
                type="submit",
                name="add",
                value="add",
                css_class="btn-outline-primary",
                css_id="submit-id-add",
            ),
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("program") and not cleaned.get("outside_learning"):
            self.add_error("program", _("Choose a program or describe the outside learning."))
        return cleaned


class PlanDecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the person"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when you return the plan."),
    )
