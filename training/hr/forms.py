"""Forms of the HR pages: programs and their filters (sessions in session_forms.py)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from training.models import TrainingProgram
from training.services.programs import EDITABLE_FIELDS


class ProgramForm(forms.ModelForm):
    """Create (with a district) or edit (district fixed) a training program."""

    district = forms.ModelChoiceField(queryset=None, label=_("District"), empty_label=None)

    class Meta:
        model = TrainingProgram
        fields = EDITABLE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["district"]
        else:
            self.fields["district"].queryset = districts
        self.fields["jp_credited"].widget.attrs["min"] = 0
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *(["district"] if "district" in self.fields else []),
            Row(Column("code", css_class="col-md-4"), Column("title", css_class="col-md-8")),
            Row(
                Column("competency_kind", css_class="col-md-4"),
                Column("form", css_class="col-md-4"),
                Column("method", css_class="col-md-4"),
            ),
            Row(
                Column("jp_credited", css_class="col-md-3"),
                Column("min_attendance_percent", css_class="col-md-3"),
                Column("provider", css_class="col-md-6"),
            ),
            "description",
            "requires_supervisor_approval",
            "open_to_other_districts",
            "is_active",
            Submit("save", _("Save"), css_class="mt-2"),
        )

    def validate_unique(self):
        """Leave the (district, code) check to the service, which knows the district."""


class ProgramFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    competency_kind = forms.ChoiceField(
        label=_("Competency kind"),
        required=False,
        choices=[("", _("All"))] + TrainingProgram.CompetencyKind.choices,
    )
    form = forms.ChoiceField(
        label=_("Form"),
        required=False,
        choices=[("", _("All"))] + TrainingProgram.Form.choices,
    )
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Inactive"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Row(
                Column("q", css_class="col-md-4"),
                Column("competency_kind", css_class="col-md-3"),
                Column("form", css_class="col-md-3"),
                Column("active", css_class="col-md-2"),
            ),
            Submit("filter", _("Filter"), css_class="btn-secondary"),
        )
