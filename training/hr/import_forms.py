"""The upload form of an import."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from training.models import ImportJob
from training.services.import_files import MAX_BYTES


class UploadForm(forms.Form):
    district = forms.ModelChoiceField(queryset=None, label=_("District"), empty_label=None)
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        self.helper = FormHelper()
        self.helper.form_tag = False  # the page's own <form> carries the upload's enctype
        self.helper.layout = Layout(
            Row(Column("district", css_class="col-md-4"), Column("kind", css_class="col-md-4")),
            "file",
            Submit("upload", _("Check the file")),
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB.") % {"size": MAX_BYTES // (1024 * 1024)}
            )
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload
