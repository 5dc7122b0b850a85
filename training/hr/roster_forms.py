"""Forms of the roster: add people, attendance of one meeting, completion for everyone."""

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from districts.models import WorkUnit
from districts.nip import normalize_nip
from training.models import Attendance

MAX_PEOPLE_AT_ONCE = 200


class AddPeopleForm(forms.Form):
    """People by NIP (one per line) and/or everyone in a work unit."""

    nips = forms.CharField(
        label=_("NIPs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "19860926 201505 1 001"}),
        help_text=_("One NIP per line (or separated by commas); spaces inside a NIP are fine."),
    )
    work_unit = forms.ModelChoiceField(
        queryset=None,
        label=_("Everyone in work unit"),
        required=False,
    )

    def __init__(self, *args, session, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people.filter(is_active=True)
        self.fields["work_unit"].queryset = WorkUnit.objects.filter(district=session.district)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("nips", css_class="col-md-7"), Column("work_unit", css_class="col-md-5")),
            Submit("add", _("Add to the session")),
        )

    def clean_nips(self):
        parts = [normalize_nip(p) for p in re.split(r"[\n,;]+", self.cleaned_data["nips"])]
        return list(dict.fromkeys(part for part in parts if part))

    def clean(self):
        cleaned = super().clean()
        nips, unit = cleaned.get("nips") or [], cleaned.get("work_unit")
        if not nips and not unit and not self.errors:
            raise forms.ValidationError(_g("Give at least one NIP or choose a work unit."))
        found = {p.nip: p for p in self.people.filter(nip__in=nips)}
        unknown = [nip for nip in nips if nip not in found]
        if unknown:
            self.add_error(
                "nips",
                _g("No active civil servant of your districts has NIP %(nips)s.")
                % {"nips": ", ".join(unknown)},
            )
        chosen = list(found.values())
        if unit:
            chosen += [p for p in self.people.filter(work_unit=unit) if p.nip not in found]
        if len(chosen) > MAX_PEOPLE_AT_ONCE:
            raise forms.ValidationError(
                _g("At most %(count)d people at once.") % {"count": MAX_PEOPLE_AT_ONCE}
            )
        cleaned["people"] = sorted(chosen, key=lambda p: (p.name, p.pk))
        return cleaned


class AttendanceForm(forms.Form):
    """One meeting: for each participant present, late, excused (with a reason) or absent.

    A row left empty stays unmarked, so that saving the form never marks
    present someone who has not come.
    """

    def __init__(self, *args, enrollments, marks: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrollments = list(enrollments)
        for enrollment in self.enrollments:
            mark = marks.get(enrollment.pk)
            self.fields[f"status_{enrollment.pk}"] = forms.ChoiceField(
                label=enrollment.civil_servant.full_name,
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=mark.status if mark else None,
            )
            self.fields[f"reason_{enrollment.pk}"] = forms.CharField(
                label=_("Reason for the excuse"),
                required=False,
                max_length=250,
                initial=mark.reason if mark else "",
            )

    def clean(self):
        cleaned = super().clean()
        for enrollment in self.enrollments:
            status = cleaned.get(f"status_{enrollment.pk}")
            if (
                status == Attendance.Status.EXCUSED
                and not cleaned.get(f"reason_{enrollment.pk}", "").strip()
            ):
                self.add_error(
                    f"reason_{enrollment.pk}", _g("Give the reason for the excuse (izin).")
                )
        return cleaned

    def rows(self):
        return [(e, self[f"status_{e.pk}"], self[f"reason_{e.pk}"]) for e in self.enrollments]

    def marks(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            e.pk: (data[f"status_{e.pk}"], data[f"reason_{e.pk}"])
            for e in self.enrollments
            if data[f"status_{e.pk}"]
        }


class CompletionForm(forms.Form):
    """Score, passed and JP credited for each participant who attended.

    Passed is pre-filled from the attendance share the program asks for; HR
    may decide otherwise, with a reason.
    """

    def __init__(self, *args, enrollments, jp_default: int, suggestions: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrollments = list(enrollments)
        self.suggestions = suggestions
        for enrollment in self.enrollments:
            pk = enrollment.pk
            self.fields[f"score_{pk}"] = forms.DecimalField(
                label=_("Score"),
                required=False,
                min_value=0,
                max_value=100,
                decimal_places=2,
                localize=True,
            )
            self.fields[f"passed_{pk}"] = forms.BooleanField(
                label=_("Passed"),
                required=False,
                initial=suggestions[pk].passed,
            )
            self.fields[f"reason_{pk}"] = forms.CharField(
                label=_("Reason for departing from the attendance rule"),
                required=False,
                max_length=250,
            )
            self.fields[f"jp_{pk}"] = forms.IntegerField(
                label=_("JP credited"), min_value=0, max_value=1000, initial=jp_default
            )

    def clean(self):
        cleaned = super().clean()
        for enrollment in self.enrollments:
            pk = enrollment.pk
            passed, reason = cleaned.get(f"passed_{pk}"), cleaned.get(f"reason_{pk}", "")
            if passed != self.suggestions[pk].passed and not reason.strip():
                self.add_error(
                    f"reason_{pk}",
                    _g("Give a reason: the attendance rule suggests otherwise."),
                )
        return cleaned

    def rows(self):
        return [
            (
                e,
                self.suggestions[e.pk],
                self[f"score_{e.pk}"],
                self[f"passed_{e.pk}"],
                self[f"jp_{e.pk}"],
                self[f"reason_{e.pk}"],
            )
            for e in self.enrollments
        ]

    def results(self) -> dict[int, dict]:
        data = self.cleaned_data
        return {
            e.pk: {
                "score": data[f"score_{e.pk}"],
                "passed": data[f"passed_{e.pk}"],
                "jp_credited": data[f"jp_{e.pk}"],
                "override_reason": data[f"reason_{e.pk}"],
            }
            for e in self.enrollments
        }
