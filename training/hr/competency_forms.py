"""The competency form: the competency, its programs, and who needs it."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from districts.models import CivilServant, WorkUnit
from districts.nip import normalize_nip
from training.models import Competency, TrainingProgram
from training.services.competencies import EDITABLE_FIELDS


class CompetencyForm(forms.ModelForm):
    district = forms.ModelChoiceField(queryset=None, label=_("District"), empty_label=None)
    programs = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label=_("Programs that develop it"),
        widget=forms.CheckboxSelectMultiple,
    )
    units = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label=_("Work units that require it"),
        widget=forms.CheckboxSelectMultiple,
    )
    positions = forms.CharField(
        label=_("Positions (jabatan) that require it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One position title per line, written as in the personnel data."),
    )
    people = forms.CharField(
        label=_("Individual needs (NIP)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One NIP per line: people who need it whatever their unit or position."),
    )

    class Meta:
        model = Competency
        fields = EDITABLE_FIELDS
        widgets = {"description": forms.TextInput()}

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk:
            del self.fields["district"]
            district_id = instance.district_id
            self.initial.update(
                programs=list(instance.programs.values_list("pk", flat=True)),
                units=list(
                    instance.requirements.filter(work_unit__isnull=False).values_list(
                        "work_unit_id", flat=True
                    )
                ),
                positions="\n".join(
                    instance.requirements.filter(work_unit__isnull=True).values_list(
                        "position_title", flat=True
                    )
                ),
                people="\n".join(
                    instance.individual_needs.values_list("civil_servant__nip", flat=True)
                ),
            )
        else:
            self.fields["district"].queryset = districts
            district_id = self.data.get("district") or (districts.first().pk if districts else None)
        self.district_id = int(district_id) if str(district_id or "").isdigit() else None
        self.fields["programs"].queryset = TrainingProgram.objects.filter(
            district_id=self.district_id, is_active=True
        ).order_by("title")
        self.fields["units"].queryset = WorkUnit.objects.filter(
            district_id=self.district_id
        ).order_by("name")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *(["district"] if "district" in self.fields else []),
            Row(Column("name", css_class="col-md-8"), Column("kind", css_class="col-md-4")),
            "description",
            Row(
                Column("validity_years", css_class="col-md-4"),
                Column("is_active", css_class="col-md-8"),
            ),
            "programs",
            "units",
            Row(Column("positions", css_class="col-md-6"), Column("people", css_class="col-md-6")),
            Submit("save", _("Save")),
        )

    def clean_positions(self) -> list[str]:
        lines = [" ".join(line.split()) for line in self.cleaned_data["positions"].splitlines()]
        return sorted({line for line in lines if line})

    def clean_people(self) -> list[CivilServant]:
        nips = {
            normalize_nip(line) for line in self.cleaned_data["people"].splitlines() if line.strip()
        }
        found = list(CivilServant.objects.filter(district_id=self.district_id, nip__in=nips))
        missing = sorted(nips - {person.nip for person in found})
        if missing:
            raise forms.ValidationError(
                _("No civil servant of this district has the NIP %(nips)s.")
                % {"nips": ", ".join(missing)}
            )
        return found
