"""Forms for scheduling, editing and cancelling sessions."""

import datetime
import re
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from districts.models import Holiday
from training.models import Instructor, TrainingProgram, TrainingSession, Venue
from training.services.scheduling import MeetingPlan
from training.services.session_length import format_jp, length_jp

from . import calendar_grid

MAX_REPEAT_WEEKS = 26
MAX_EXTRA_DATES = 20

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _aware(value, zone):
    """Read a naive form value as a wall-clock time in the session's zone."""
    if value is None:
        return None
    return value.replace(tzinfo=None).replace(tzinfo=zone)


def _within_range(value):
    """Return ``value`` (a date or datetime, or None) if it lies in the years the portal shows."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    if day is not None and not calendar_grid.EARLIEST <= day <= calendar_grid.LATEST:
        raise forms.ValidationError(
            _g("Choose a date between %(first)d and %(last)d.")
            % {"first": calendar_grid.EARLIEST.year, "last": calendar_grid.LATEST.year}
        )
    return value


RUPIAH_GROUPS = re.compile(r"^\d{1,3}(\.\d{3})+(,\d{1,2})?$")


class RupiahField(forms.DecimalField):
    """An amount of rupiah, also as written in Indonesian with thousand dots (``1.500.000``)."""

    def to_python(self, value):
        if isinstance(value, str) and RUPIAH_GROUPS.match(value.strip()):
            value = value.strip().replace(".", "")
        return super().to_python(value)


def _whole(amount: Decimal | None) -> Decimal | None:
    """Return ``amount`` without ``,00`` when it is whole rupiah."""
    if amount is not None and amount == amount.to_integral_value():
        return amount.quantize(Decimal(1))
    return amount


class SessionForm(forms.Form):
    """When, where and for how many; in the zone of the program's district."""

    program = forms.ModelChoiceField(queryset=None, label=_("Program"))
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start_time = forms.TimeField(label=_("Start time"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("End time"), widget=TIME_WIDGET)
    venue = forms.ModelChoiceField(queryset=None, label=_("Venue"), required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    instructor = forms.ModelChoiceField(queryset=None, label=_("Instructor"), required=False)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=10000)
    enrollment_opens_at = forms.DateTimeField(
        label=_("Enrolment opens"), required=False, widget=DATETIME_WIDGET
    )
    enrollment_closes_at = forms.DateTimeField(
        label=_("Enrolment closes"), required=False, widget=DATETIME_WIDGET
    )
    cost_amount = RupiahField(
        label=_("Cost (Rp)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        localize=True,
        error_messages={
            "invalid": _("Enter the cost as a number of rupiah, e.g. 1500000."),
            "max_digits": _("The cost is too large."),
            "max_whole_digits": _("The cost is too large."),
            "max_decimal_places": _("Give the cost to at most 2 decimals."),
        },
    )
    cost_basis = forms.ChoiceField(
        label=_("Cost basis"),
        required=False,
        choices=[("", "—"), *TrainingSession.CostBasis.choices],
    )
    repeat_weeks = forms.IntegerField(
        label=_("Repeat weekly for N weeks"),
        min_value=1,
        max_value=MAX_REPEAT_WEEKS,
        initial=1,
        help_text=_("1 means a single session."),
    )
    extra_dates = forms.CharField(
        label=_("Further dates"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "2026-12-14, 2026-12-21"}),
        help_text=_("Optional: more dates at the same times, separated by commas or lines."),
    )
    separate_sessions = forms.BooleanField(
        label=_("Separate classes: one session per date, each enrolled in on its own"),
        required=False,
        help_text=_(
            "Unticked, the dates are the meetings of one session: one enrolment, one "
            "certificate, the program's JP credited once."
        ),
    )
    override_reason = forms.CharField(
        label=_("Reason for going ahead despite the warnings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, scope, session: TrainingSession | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.fields["program"].queryset = scope.filter(
            TrainingProgram.objects.filter(is_active=True).select_related("district")
        )
        # Inactive venues and instructors are not offered, except the ones the session keeps.
        kept_venue = session.venue_id if session is not None else None
        kept_instructor = session.instructor_id if session is not None else None
        self.fields["venue"].queryset = scope.filter(
            Venue.objects.filter(Q(is_active=True) | Q(pk=kept_venue)).select_related("district")
        )
        self.fields["instructor"].queryset = scope.filter(
            Instructor.objects.filter(Q(is_active=True) | Q(pk=kept_instructor))
        )
        self.fields["program"].label_from_instance = lambda p: f"{p.title} ({p.district})"
        self.fields["venue"].label_from_instance = lambda v: f"{v.name} ({v.district})"
        if session is not None:
            del self.fields["program"], self.fields["repeat_weeks"], self.fields["extra_dates"]
            del self.fields["separate_sessions"]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *(["program"] if session is None else []),
            Row(
                Column("date", css_class="col-md-4"),
                Column("start_time", css_class="col-md-4"),
                Column("end_time", css_class="col-md-4"),
            ),
            Row(Column("venue", css_class="col-md-6"), Column("online_url", css_class="col-md-6")),
            Row(
                Column("instructor", css_class="col-md-8"),
                Column("capacity", css_class="col-md-4"),
            ),
            Row(
                Column("enrollment_opens_at", css_class="col-md-6"),
                Column("enrollment_closes_at", css_class="col-md-6"),
            ),
            Row(
                Column("cost_amount", css_class="col-md-6"),
                Column("cost_basis", css_class="col-md-6"),
            ),
            *(
                [
                    Fieldset(
                        _("Series"),
                        Row(
                            Column("repeat_weeks", css_class="col-md-4"),
                            Column("extra_dates", css_class="col-md-8"),
                        ),
                        "separate_sessions",
                    )
                ]
                if session is None
                else []
            ),
            "override_reason",
        )
        self.helper.form_tag = False

    @property
    def district(self):
        if self.session is not None:
            return self.session.district
        program = self.cleaned_data.get("program")
        return program.district if program else None

    def clean_date(self):
        return _within_range(self.cleaned_data["date"])

    def clean_enrollment_opens_at(self):
        return _within_range(self.cleaned_data["enrollment_opens_at"])

    def clean_enrollment_closes_at(self):
        return _within_range(self.cleaned_data["enrollment_closes_at"])

    def clean_cost_amount(self):
        amount = self.cleaned_data["cost_amount"]
        if amount is not None and amount < 0:
            raise forms.ValidationError(_g("The cost cannot be negative."))
        return amount

    def clean_extra_dates(self):
        raw = [part for part in re.split(r"[\s,;]+", self.cleaned_data["extra_dates"]) if part]
        if len(raw) > MAX_EXTRA_DATES:
            raise forms.ValidationError(
                _g("At most %(count)d further dates.") % {"count": MAX_EXTRA_DATES}
            )
        dates = []
        field = forms.DateField()
        for part in raw:
            try:
                dates.append(field.clean(part))
            except forms.ValidationError as exc:
                raise forms.ValidationError(
                    _g("“%(value)s” is not a date (use YYYY-MM-DD or DD-MM-YYYY).")
                    % {"value": part}
                ) from exc
        for day in dates:
            _within_range(day)
        return dates

    def clean(self):
        cleaned = super().clean()
        district = self.district
        start_time, end_time = cleaned.get("start_time"), cleaned.get("end_time")
        if start_time and end_time and end_time <= start_time:
            self.add_error("end_time", _g("The end must be after the start."))
        if not cleaned.get("venue") and not cleaned.get("online_url"):
            self.add_error("venue", _g("Choose a venue or give an online link."))
        if district is not None:
            venue, instructor = cleaned.get("venue"), cleaned.get("instructor")
            if venue and venue.district_id != district.pk:
                self.add_error("venue", _g("The venue belongs to another district."))
            if instructor and instructor.district_id not in (None, district.pk):
                self.add_error("instructor", _g("The instructor belongs to another district."))
            for name in ("enrollment_opens_at", "enrollment_closes_at"):
                cleaned[name] = _aware(cleaned.get(name), district.tzinfo)
        opens, closes = cleaned.get("enrollment_opens_at"), cleaned.get("enrollment_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("enrollment_closes_at", _g("Enrolment must close after it opens."))
        first = self._first_interval(cleaned)
        if first is not None:
            start, end = first
            if opens and opens >= start:
                self.add_error(
                    "enrollment_opens_at", _g("Enrolment must open before the session starts.")
                )
            if closes and closes > end:
                self.add_error(
                    "enrollment_closes_at", _g("Enrolment must close by the end of the session.")
                )
        amount, basis = cleaned.get("cost_amount"), cleaned.get("cost_basis")
        if amount is not None and not basis and "cost_amount" not in self.errors:
            self.add_error("cost_basis", _g("Choose whether the cost is per participant or total."))
        if amount is None and basis and "cost_amount" not in self.errors:
            self.add_error("cost_amount", _g("Enter the cost, or leave the cost basis empty."))
        return cleaned

    def _first_interval(self, cleaned):
        """Return the aware ``(start, end)`` of the first date, or None if not yet known."""
        district = self.district
        day, start_time, end_time = (
            cleaned.get("date"),
            cleaned.get("start_time"),
            cleaned.get("end_time"),
        )
        if district is None or not (day and start_time and end_time) or end_time <= start_time:
            return None
        zone = district.tzinfo
        return (
            datetime.datetime.combine(day, start_time, tzinfo=zone),
            datetime.datetime.combine(day, end_time, tzinfo=zone),
        )

    def jp_notes(self, plans=None) -> list[str]:
        """Return a non-blocking note when the session is shorter than its program's JP.

        ``plans`` are all the meetings asked for (their lengths are summed).
        """
        program, interval = None, None
        if self.is_bound:
            if not self.is_valid():
                return []
            program = self.session.program if self.session else self.cleaned_data["program"]
            interval = self._first_interval(self.cleaned_data)
        elif self.session is not None:
            program, interval = self.session.program, (self.session.start, self.session.end)
            plans = list(self.session.meetings.all()) or None
        if program is None or interval is None:
            return []
        length = meetings_jp(plans) if plans else length_jp(*interval)
        if length >= program.jp_credited:
            return []
        return [
            _g(
                "The program credits %(credited)s JP, but the session lasts only %(length)s JP "
                "(%(minutes)d minutes per JP)."
            )
            % {
                "credited": program.jp_credited,
                "length": format_jp(length),
                "minutes": settings.MINUTES_PER_JP,
            }
        ]

    def holiday_notes(self) -> list[str]:
        """Return a note for each year of the dates whose national holidays are not loaded.

        Scheduling there works, but no holiday can be warned about until HR's
        administrator loads that year's joint decree (libur nasional, cuti bersama).
        """
        if self.is_bound:
            if not self.is_valid():
                return []
            starts = [start for start, _end in self.intervals()]
        elif self.session is not None:
            starts = [self.session.start]
        else:
            return []
        zone = self.district.tzinfo if self.is_bound else self.session.district.tzinfo
        years = sorted({start.astimezone(zone).year for start in starts})
        loaded = set(
            Holiday.objects.filter(district__isnull=True, date__year__in=years).values_list(
                "date__year", flat=True
            )
        )
        return [
            _g(
                "The holidays of %(year)s (national holidays and cuti bersama) are not loaded "
                "yet, so no holiday in %(year)s can be warned about. Ask the administrator to "
                "load them: add districts/data/holidays/%(year)s.csv and run "
                "“python manage.py load_holidays %(year)s”, or enter them under Holidays in "
                "the admin."
            )
            % {"year": year}
            for year in years
            if year not in loaded
        ]

    def intervals(self) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """Return the aware ``(start, end)`` of every occurrence the form asks for."""
        data, zone = self.cleaned_data, self.district.tzinfo
        dates = [data["date"]]
        if self.session is None:
            dates += [
                data["date"] + datetime.timedelta(weeks=n) for n in range(1, data["repeat_weeks"])
            ]
            dates += data["extra_dates"]
        return [
            (
                datetime.datetime.combine(day, data["start_time"], tzinfo=zone),
                datetime.datetime.combine(day, data["end_time"], tzinfo=zone),
            )
            for day in sorted(set(dates))
        ]

    def session_data(self) -> dict:
        """Return the model fields for an edited session."""
        start, end = self.intervals()[0]
        data = self.cleaned_data
        return {
            "start": start,
            "end": end,
            "venue": data["venue"],
            "online_url": data["online_url"],
            "instructor": data["instructor"],
            "capacity": data["capacity"],
            "enrollment_opens_at": data["enrollment_opens_at"],
            "enrollment_closes_at": data["enrollment_closes_at"],
            "cost_amount": data["cost_amount"],
            "cost_basis": data["cost_basis"],
        }


def initial_for(session: TrainingSession) -> dict:
    """Return the form's initial values for ``session``, in its district's zone."""
    zone = session.district.tzinfo
    first = session.meetings.order_by("start", "pk").first()
    start, end = (first.start, first.end) if first else (session.start, session.end)
    start, end = start.astimezone(zone), end.astimezone(zone)

    def local(value):
        return value.astimezone(zone).replace(tzinfo=None) if value else None

    return {
        "date": start.date(),
        "start_time": start.time(),
        "end_time": end.time(),
        "venue": first.venue if first else session.venue,
        "online_url": first.join_link if first else session.online_url,
        "instructor": session.instructor,
        "capacity": session.capacity,
        "enrollment_opens_at": local(session.enrollment_opens_at),
        "enrollment_closes_at": local(session.enrollment_closes_at),
        "cost_amount": _whole(session.cost_amount),
        "cost_basis": session.cost_basis,
        "override_reason": session.override_reason,
    }


class MeetingForm(forms.Form):
    """A further meeting (day) of the session: its date, times and place."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start_time = forms.TimeField(label=_("Start time"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("End time"), widget=TIME_WIDGET)
    venue = forms.ModelChoiceField(queryset=None, label=_("Venue"), required=False)
    join_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    instructor = forms.ModelChoiceField(queryset=None, label=_("Instructor"), required=False)

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = scope.filter(Venue.objects.all()).select_related("district")
        self.fields["instructor"].queryset = scope.filter(Instructor.objects.all())
        self.fields["venue"].label_from_instance = lambda v: f"{v.name} ({v.district})"

    def clean_date(self):
        return _within_range(self.cleaned_data["date"])

    def clean(self):
        cleaned = super().clean()
        start_time, end_time = cleaned.get("start_time"), cleaned.get("end_time")
        if start_time and end_time and end_time <= start_time:
            self.add_error("end_time", _g("The end must be after the start."))
        if not cleaned.get("venue") and not cleaned.get("join_link"):
            self.add_error("venue", _g("Choose a venue or give an online link."))
        return cleaned


BaseMeetingFormSet = forms.formset_factory(
    MeetingForm, extra=2, can_delete=True, max_num=30, validate_max=True
)


class MeetingFormSet(BaseMeetingFormSet):
    """The further meetings; a POST without them (an older form) means none."""

    def __init__(self, data=None, *args, scope, **kwargs):
        if data is not None and "meetings-TOTAL_FORMS" not in data:
            data = None
        elif data is not None and "add_meeting" in data:
            # "More rows": the same rows again, and two empty ones.
            data = data.copy()
            total = data.get("meetings-TOTAL_FORMS", "0")
            data["meetings-TOTAL_FORMS"] = str(int(total) + 2 if total.isdigit() else 2)
        super().__init__(data, *args, prefix="meetings", form_kwargs={"scope": scope}, **kwargs)

    def rows(self) -> list[dict]:
        """Return the cleaned rows that are filled in and not removed."""
        if not self.is_bound:
            return []
        return [
            form.cleaned_data
            for form in self.forms
            if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


def meeting_plans(form: SessionForm, formset: MeetingFormSet, session=None) -> list[MeetingPlan]:
    """Return every meeting the two forms ask for: the dates above, then the further rows."""
    data, zone = form.cleaned_data, form.district.tzinfo
    kept = list(session.meetings.order_by("start", "pk")) if session is not None else []

    def plan(start, end, venue, link, instructor, pk=None):
        return MeetingPlan(
            start=start,
            end=end,
            venue=venue,
            is_online=bool(link) and venue is None,
            join_link=link or "",
            instructor=instructor,
            pk=pk,
        )

    plans = [
        plan(
            start,
            end,
            data["venue"],
            data["online_url"],
            data["instructor"],
            kept[0].pk if kept and number == 0 else None,
        )
        for number, (start, end) in enumerate(form.intervals())
    ]
    own = {meeting.pk for meeting in kept}
    for row in formset.rows():
        plans.append(
            plan(
                datetime.datetime.combine(row["date"], row["start_time"], tzinfo=zone),
                datetime.datetime.combine(row["date"], row["end_time"], tzinfo=zone),
                row["venue"],
                row["join_link"],
                row["instructor"] or data["instructor"],
                row["id"] if row["id"] in own else None,
            )
        )
    return sorted(plans, key=lambda item: item.start)


def further_meetings_initial(session: TrainingSession) -> list[dict]:
    """Return the formset's rows for the meetings after the first, in the session's zone."""
    zone = session.district.tzinfo
    rows = []
    for meeting in list(session.meetings.order_by("start", "pk"))[1:]:
        start, end = meeting.start.astimezone(zone), meeting.end.astimezone(zone)
        rows.append(
            {
                "id": meeting.pk,
                "date": start.date(),
                "start_time": start.time(),
                "end_time": end.time(),
                "venue": meeting.venue,
                "join_link": meeting.join_link,
                "instructor": meeting.instructor
                if meeting.instructor_id != session.instructor_id
                else None,
            }
        )
    return rows


def meetings_jp(plans) -> Decimal:
    """Return the sum of the meetings' lengths in JP."""
    return sum((length_jp(item.start, item.end) for item in plans), Decimal(0))


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "reason", Submit("cancel", _("Cancel the session"), css_class="btn-danger")
        )


class SessionFilterForm(forms.Form):
    district = forms.ModelChoiceField(queryset=None, label=_("District"), required=False)
    program = forms.ModelChoiceField(queryset=None, label=_("Program"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + TrainingSession.Status.choices,
    )
    when = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[("", _("Upcoming")), ("past", _("Past")), ("all", _("All"))],
    )
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    # The calendar's views per venue and per instructor (the list leaves them out).
    venue = forms.ModelChoiceField(queryset=None, label=_("Venue"), required=False)
    instructor = forms.ModelChoiceField(queryset=None, label=_("Instructor"), required=False)

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = scope.districts()
        self.fields["program"].queryset = scope.filter(TrainingProgram.objects.all())
        self.fields["venue"].queryset = scope.filter(Venue.objects.all()).order_by("name")
        self.fields["instructor"].queryset = scope.filter(Instructor.objects.all()).order_by("name")
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Row(
                Column("district", css_class="col-6 col-md-3"),
                Column("program", css_class="col-6 col-md-3"),
                Column("status", css_class="col-6 col-md-2"),
                Column("when", css_class="col-6 col-md-2"),
                Column("month", css_class="col-12 col-md-2"),
            ),
            Submit("filter", _("Filter"), css_class="btn-secondary"),
        )

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month and not calendar_grid.EARLIEST <= month <= calendar_grid.LATEST:
            raise forms.ValidationError(
                _g("Choose a month between %(first)d and %(last)d.")
                % {"first": calendar_grid.EARLIEST.year, "last": calendar_grid.LATEST.year}
            )
        return month
