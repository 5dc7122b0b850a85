"""Warnings shown before a session is saved: venue, instructor, holiday, working hours.

All checks are set-based (one query per kind for every proposed occurrence)
and use half-open intervals ``[start, end)``: back-to-back is no clash. A
venue clash blocks saving; the others may be overridden with a reason.
"""

import datetime
import enum
import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from districts import localtime
from districts.models import District, Holiday
from training.models import TrainingSession

WORKDAY_START = datetime.time(7, 30)
WORKDAY_END = datetime.time(16, 0)
WORKDAYS = range(0, 5)  # Monday to Friday


class Kind(enum.StrEnum):
    VENUE = "venue"
    INSTRUCTOR = "instructor"
    HOLIDAY = "holiday"
    WORKING_HOURS = "working_hours"


@dataclass(frozen=True)
class Warning:
    kind: Kind
    start: datetime.datetime
    message: str

    @property
    def blocking(self) -> bool:
        return self.kind == Kind.VENUE


def _overlapping(intervals, exclude_ids) -> Q:
    return reduce(operator.or_, (Q(start__lt=end, end__gt=start) for start, end in intervals)) & ~Q(
        pk__in=list(exclude_ids)
    )


def _first_interval_hit(intervals, other_start, other_end):
    return next(start for start, end in intervals if start < other_end and other_start < end)


def session_warnings(
    *,
    district: District,
    intervals: list[tuple[datetime.datetime, datetime.datetime]],
    venue_id: int | None = None,
    instructor_id: int | None = None,
    exclude_ids: tuple[int, ...] = (),
) -> list[Warning]:
    """Return the warnings for sessions at ``intervals`` (aware datetimes), soonest first."""
    if not intervals:
        return []
    zone = district.time_zone
    found = []
    live = TrainingSession.objects.exclude(status=TrainingSession.Status.CANCELLED)
    overlapping = _overlapping(intervals, exclude_ids)
    if venue_id:
        for other in live.filter(overlapping, venue_id=venue_id).select_related("program"):
            found.append(
                Warning(
                    Kind.VENUE,
                    _first_interval_hit(intervals, other.start, other.end),
                    _("The venue is already booked for “%(title)s”, %(when)s.")
                    % {
                        "title": other.program.title,
                        "when": localtime.format_range(other.start, other.end, zone),
                    },
                )
            )
    if instructor_id:
        for other in live.filter(overlapping, instructor_id=instructor_id).select_related(
            "program"
        ):
            found.append(
                Warning(
                    Kind.INSTRUCTOR,
                    _first_interval_hit(intervals, other.start, other.end),
                    _("The instructor is already teaching “%(title)s”, %(when)s.")
                    % {
                        "title": other.program.title,
                        "when": localtime.format_range(other.start, other.end, zone),
                    },
                )
            )
    found += _holiday_warnings(district, intervals)
    found += _working_hours_warnings(district, intervals)
    return sorted(found, key=lambda warning: (warning.start, warning.kind))


def _local_days(start, end, zone) -> list[datetime.date]:
    first = localtime.in_zone(start, zone).date()
    last = localtime.in_zone(end - datetime.timedelta(microseconds=1), zone).date()
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def _holiday_warnings(district, intervals) -> list[Warning]:
    zone = district.time_zone
    days = {start: _local_days(start, end, zone) for start, end in intervals}
    all_days = {day for values in days.values() for day in values}
    holidays = {}
    for holiday in Holiday.objects.filter(
        Q(district__isnull=True) | Q(district=district), date__in=sorted(all_days)
    ):
        holidays.setdefault(holiday.date, []).append(holiday)
    found = []
    for start, session_days in days.items():
        for day in session_days:
            for holiday in holidays.get(day, []):
                found.append(
                    Warning(
                        Kind.HOLIDAY,
                        start,
                        _("%(date)s is a holiday: %(name)s (%(kind)s).")
                        % {
                            "date": formats.date_format(day, "DATE_FORMAT"),
                            "name": holiday.name,
                            "kind": holiday.get_kind_display(),
                        },
                    )
                )
    return found


def outside_working_hours(start, end, zone) -> bool:
    """Return whether ``[start, end)`` leaves Monday-Friday 07.30-16.00 local time."""
    local_start, local_end = localtime.in_zone(start, zone), localtime.in_zone(end, zone)
    if local_start.date() != local_end.date() and local_end.time() != datetime.time(0):
        return True
    return (
        local_start.weekday() not in WORKDAYS
        or local_start.time() < WORKDAY_START
        or local_end.time() > WORKDAY_END
        or local_end.time() == datetime.time(0)
    )


def _working_hours_warnings(district, intervals) -> list[Warning]:
    zone = district.time_zone
    return [
        Warning(
            Kind.WORKING_HOURS,
            start,
            _("%(when)s is outside working hours (Monday–Friday, 07.30–16.00 %(zone)s).")
            % {"when": localtime.format_range(start, end, zone), "zone": district.zone_label},
        )
        for start, end in intervals
        if outside_working_hours(start, end, zone)
    ]
