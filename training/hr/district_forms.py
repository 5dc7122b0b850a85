"""The form of HR's district settings (HR mailbox, certificate agency and signatory)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from districts.models import District
from districts.nip import format_nip, normalize_nip, parse_nip
from training.services.district_settings import SETTINGS_FIELDS, checked_logo


class DistrictSettingsForm(forms.ModelForm):
    logo = forms.FileField(
        label=_("Agency logo"),
        required=False,
        help_text=_("PNG or JPEG, at most 1 MB; printed at the top of certificates."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)
    # Longer than the 18 digits: people type the NIP in its groups.
    signatory_nip = forms.CharField(label=_("Signatory NIP"), max_length=24, required=False)

    class Meta:
        model = District
        fields = SETTINGS_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.signatory_nip:
            self.initial["signatory_nip"] = format_nip(self.instance.signatory_nip)
        if not self.instance.agency_logo:
            del self.fields["remove_logo"]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("Calendar invitations"), "hr_email"),
            Fieldset(
                _("Certificates"),
                "agency_name",
                "logo",
                *(["remove_logo"] if "remove_logo" in self.fields else []),
                Row(
                    Column("signatory_name", css_class="col-md-6"),
                    Column("signatory_nip", css_class="col-md-6"),
                ),
                "signatory_position",
            ),
            Submit("save", _("Save"), css_class="mt-2"),
        )

    def clean_signatory_nip(self):
        nip = normalize_nip(self.cleaned_data["signatory_nip"])
        if nip:
            parse_nip(nip)
        return nip

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        try:
            return checked_logo(upload)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None

    def clean(self):
        cleaned = super().clean()
        signatory = [cleaned.get(name) for name in ("signatory_name", "signatory_position")]
        if any(signatory) and not all(signatory):
            self.add_error(
                "signatory_name" if not signatory[0] else "signatory_position",
                _("Give the signatory's name and position together."),
            )
        return cleaned
