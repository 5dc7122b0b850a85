"""Forms of the HR venue and instructor pages."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from districts.nip import normalize_nip
from districts.scoping import Scope
from training.models import Instructor, Venue
from training.services.places import INSTRUCTOR_FIELDS, VENUE_FIELDS

STATUS_CHOICES = [("", _("All")), ("1", _("Active")), ("0", _("Inactive"))]


class VenueForm(forms.ModelForm):
    """Create (with a district) or edit (district fixed) a venue."""

    district = forms.ModelChoiceField(queryset=None, label=_("District"), empty_label=None)

    class Meta:
        model = Venue
        fields = VENUE_FIELDS

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["district"]
        else:
            self.fields["district"].queryset = districts
        self.fields["capacity"].widget.attrs["min"] = 1
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *(["district"] if "district" in self.fields else []),
            Row(Column("name", css_class="col-md-8"), Column("capacity", css_class="col-md-4")),
            "address",
            "is_active",
            Submit("save", _("Save"), css_class="mt-2"),
        )

    def clean_capacity(self):
        seats = self.cleaned_data["capacity"]
        if seats == 0:
            raise forms.ValidationError(
                _g("A venue has at least one seat; leave empty if unknown.")
            )
        return seats

    def validate_unique(self):
        """Leave the (district, name) check to the service, which knows the district."""


class InstructorForm(forms.ModelForm):
    """Create or edit an instructor; the civil servant is found by NIP within the scope."""

    district = forms.ModelChoiceField(queryset=None, label=_("District"), required=False)
    civil_servant_nip = forms.CharField(
        label=_("NIP of the civil servant"),
        required=False,
        max_length=30,
        help_text=_("Optional: when the instructor is a civil servant of your districts."),
    )

    class Meta:
        model = Instructor
        fields = [name for name in INSTRUCTOR_FIELDS if name != "civil_servant"]

    def __init__(self, *args, scope: Scope, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        if self.instance.pk:
            del self.fields["district"]
        else:
            field = self.fields["district"]
            field.queryset = scope.districts()
            if scope.is_admin:
                field.empty_label = _("— Shared by all districts —")
                field.help_text = _("Empty for an instructor shared by all districts.")
            else:
                field.required = True
                field.empty_label = None
        if self.instance.civil_servant_id:
            self.initial.setdefault("civil_servant_nip", self.instance.civil_servant.nip)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *(["district"] if "district" in self.fields else []),
            Row(Column("name", css_class="col-md-6"), Column("institution", css_class="col-md-6")),
            Row(
                Column("email", css_class="col-md-6"),
                Column("civil_servant_nip", css_class="col-md-6"),
            ),
            "is_active",
            *([] if read_only else [Submit("save", _("Save"), css_class="mt-2")]),
        )
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def clean_civil_servant_nip(self):
        nip = normalize_nip(self.cleaned_data["civil_servant_nip"])
        if not nip:
            return None
        person = self.scope.people().filter(nip=nip).first()
        if person is None:
            raise forms.ValidationError(_g("No civil servant of your districts has this NIP."))
        return person

    def instructor_data(self) -> dict:
        """Return the cleaned data in the service's terms."""
        return {**self.cleaned_data, "civil_servant": self.cleaned_data["civil_servant_nip"]}


class PlaceFilterForm(forms.Form):
    """Search and active filter of the venue and instructor lists."""

    q = forms.CharField(label=_("Search"), required=False)
    active = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Row(Column("q", css_class="col-md-8"), Column("active", css_class="col-md-4")),
            Submit("filter", _("Filter"), css_class="btn-secondary"),
        )
