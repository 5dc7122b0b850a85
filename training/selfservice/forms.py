"""Forms of the self-service pages (crispy layouts in each form's helper)."""

import datetime

from crispy_forms.bootstrap import InlineRadios, StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from districts.models import District, ScheduleEntry
from districts.validation import EARLIEST, LATEST, validate_portal_date

from ..models import Feedback, TrainingProgram
from .selectors import CatalogueFilters


def _within_range(value: datetime.datetime) -> datetime.datetime:
    validate_portal_date(value)
    return value


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by title"), required=False, max_length=100)
    competency_kind = forms.ChoiceField(
        label=_("Competency kind"),
        required=False,
        choices=[("", _("All"))] + list(TrainingProgram.CompetencyKind.choices),
    )
    form = forms.ChoiceField(
        label=_("Form"),
        required=False,
        choices=[("", _("All"))] + list(TrainingProgram.Form.choices),
    )
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    district = forms.ModelChoiceField(
        label=_("District"), required=False, queryset=District.objects.all(), empty_label=_("All")
    )
    with_seats = forms.BooleanField(label=_("Only with seats left"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].error_messages["invalid"] = _("Enter a month as YYYY-MM.")
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "catalogue-filters"
        self.helper.layout = Layout(
            Row(
                Column("q", css_class="col-12 col-md-4"),
                Column("competency_kind", css_class="col-6 col-md-2"),
                Column("form", css_class="col-6 col-md-2"),
                Column("month", css_class="col-6 col-md-2"),
                Column("district", css_class="col-6 col-md-2"),
            ),
            Row(
                Column("with_seats", css_class="col-auto"),
                Column(
                    StrictButton(_("Search"), type="submit", css_class="btn-primary"),
                    css_class="col-auto",
                ),
                css_class="align-items-center",
            ),
        )

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month and not EARLIEST <= month <= LATEST:
            raise forms.ValidationError(
                _("The month must lie between %(first)d and %(last)d.")
                % {"first": EARLIEST.year, "last": LATEST.year}
            )
        return month

    def filters(self) -> CatalogueFilters:
        """Return the filters of a valid form (empty filters otherwise)."""
        if not self.is_valid():
            return CatalogueFilters()
        data = self.cleaned_data
        return CatalogueFilters(
            q=data["q"].strip(),
            competency_kind=data["competency_kind"],
            form=data["form"],
            month=data["month"].replace(day=1) if data["month"] else None,
            district_id=data["district"].pk if data["district"] else None,
            with_seats=data["with_seats"],
        )


class ScheduleEntryForm(forms.ModelForm):
    """A duty shift, leave or official travel the person enters themself."""

    start = forms.DateTimeField(
        label=_("Start"),
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    end = forms.DateTimeField(
        label=_("End"),
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    class Meta:
        model = ScheduleEntry
        fields = ["kind", "leave_type", "start", "end", "note"]

    def __init__(self, *args, person, **kwargs):
        self.person = person
        super().__init__(*args, **kwargs)
        self.instance.civil_servant = person
        if self.instance.pk:
            # Show the stored instants as wall-clock times of the person's zone.
            zone = person.district.tzinfo
            for name in ("start", "end"):
                local = getattr(self.instance, name).astimezone(zone).replace(tzinfo=None)
                self.initial[name] = local
        self.fields["kind"].choices = [
            (value, label)
            for value, label in ScheduleEntry.Kind.choices
            if value != ScheduleEntry.Kind.OTHER
        ]
        leave_types = ScheduleEntry.LeaveType.choices
        if person.asn_type == "PPPK":
            leave_types = [c for c in leave_types if c[0] in ScheduleEntry.PPPK_LEAVE_TYPES]
        self.fields["leave_type"].choices = [("", "—")] + list(leave_types)
        self.fields["leave_type"].help_text = _("Only for leave.")
        self.helper = FormHelper()
        self.helper.form_id = "schedule-entry-form"
        self.helper.layout = Layout(
            Row(
                Column("kind", css_class="col-12 col-md-6"),
                Column("leave_type", css_class="col-12 col-md-6"),
            ),
            Row(
                Column("start", css_class="col-12 col-md-6"),
                Column("end", css_class="col-12 col-md-6"),
            ),
            "note",
            Submit("save", _("Save")),
        )

    def clean_start(self):
        return _within_range(self.cleaned_data["start"])

    def clean_end(self):
        return _within_range(self.cleaned_data["end"])

    def clean(self):
        data = super().clean()
        # The times typed are in the person's own district zone.
        zone = self.person.district.tzinfo
        for name in ("start", "end"):
            value = data.get(name)
            if value is not None:
                data[name] = value.replace(tzinfo=None).replace(tzinfo=zone)
        if not self.errors:
            self._refuse_duplicate(data)
        return data

    def _refuse_duplicate(self, data) -> None:
        # The model's no-duplicate constraint names the person, whom the form
        # leaves out of its fields (and so of the checks Django runs for it).
        entry = ScheduleEntry(
            pk=self.instance.pk,
            civil_servant=self.person,
            kind=data.get("kind"),
            start=data.get("start"),
            end=data.get("end"),
        )
        entry._state.adding = self.instance._state.adding  # an edit is not its own duplicate
        unique = next(
            c for c in ScheduleEntry._meta.constraints if c.name == "schedule_entry_not_duplicated"
        )
        try:
            unique.validate(ScheduleEntry, entry)
        except forms.ValidationError as exc:
            self.add_error("start", exc.messages)

    def clean_note(self):
        return self.cleaned_data["note"].strip()


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the employee"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FeedbackForm(forms.ModelForm):
    RATINGS = [(n, str(n)) for n in range(1, 6)]

    rating_content = forms.TypedChoiceField(
        label=_("Content"), choices=RATINGS, coerce=int, widget=forms.RadioSelect
    )
    rating_instructor = forms.TypedChoiceField(
        label=_("Instructor"), choices=RATINGS, coerce=int, widget=forms.RadioSelect
    )
    rating_venue = forms.TypedChoiceField(
        label=_("Venue"), choices=RATINGS, coerce=int, widget=forms.RadioSelect
    )
    rating_usefulness = forms.TypedChoiceField(
        label=_("Usefulness"), choices=RATINGS, coerce=int, widget=forms.RadioSelect
    )

    class Meta:
        model = Feedback
        fields = ["rating_content", "rating_instructor", "rating_venue", "rating_usefulness"]
        fields += ["comment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].widget.attrs["rows"] = 3
        self.helper = FormHelper()
        self.helper.form_id = "feedback-form"
        # Five small choices side by side: one line per question, also on a phone.
        self.helper.layout = Layout(
            *(
                InlineRadios(name, template="training/selfservice/_radioselect_inline.html")
                for name in self.Meta.fields[:4]
            ),
            "comment",
            Submit("send", _("Send feedback")),
        )


def week_of(raw: str | None, *, default: datetime.date) -> datetime.date:
    """Return the Monday of the ISO date ``raw``, or of ``default`` if it is bad or too far."""
    try:
        day = datetime.date.fromisoformat(raw or "")
    except ValueError:
        day = default
    if not EARLIEST <= day <= LATEST:
        day = default
    return week_start(day)


def week_start(value: datetime.date) -> datetime.date:
    """Return the Monday of ``value``'s week."""
    return value - datetime.timedelta(days=value.weekday())


class CheckInCodeForm(forms.Form):
    """The short code the instructor of an online meeting reads out."""

    code = forms.RegexField(
        label=_("Attendance code"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("The code has six digits.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 8}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("code", Submit("check_in", _("Check in")))
