"""Warnings shown before a session is saved: venue, instructor, holiday, working hours.

Every proposed meeting is checked on its own: a venue or instructor booked by
another session's meeting, a holiday, hours outside the working day. All
checks are set-based (one query per venue or instructor for every proposed meeting)
and decided by the conflict engine's pure core, :func:`training.overlap.find_overlaps`
(half-open intervals ``[start, end)``: back-to-back is no clash), with the
holidays of :func:`training.services.conflicts.holiday_intervals` (a holiday is the whole
local day in the district's zone). A venue clash blocks saving; the others may
be overridden with a reason.
"""

import datetime
import enum
import operator
import zoneinfo
from dataclasses import dataclass
from functools import reduce

from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from districts import localtime
from districts.models import District

from ..models import Meeting, TrainingSession
from .conflicts import days_around, holiday_intervals
from .overlap import Overlap, find_overlaps, overlapping_pairs

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
        session_id__in=list(exclude_ids)
    )


def _hits(intervals, others) -> dict:
    """Return, per other ``(id, start, end)`` overlapping a proposed interval, the first one."""
    first = {}
    proposed = [(number, start, end) for number, (start, end) in enumerate(intervals)]
    for left, right in sorted(overlapping_pairs(proposed, others)):
        first.setdefault(right, intervals[left][0])
    return first


def _booked(meetings, intervals, kind: Kind, text: str, zone: str) -> list[Warning]:
    """Return a warning of ``kind`` for each of ``meetings`` a proposed interval overlaps."""
    meetings = list(meetings)
    hits = _hits(intervals, [(other.pk, other.start, other.end) for other in meetings])
    return [
        Warning(
            kind,
            hits[other.pk],
            text
            % {
                "title": other.session.program.title,
                "when": localtime.format_range(other.start, other.end, zone),
            },
        )
        for other in meetings
        if other.pk in hits
    ]


def session_warnings(
    *,
    district: District,
    intervals: list[tuple[datetime.datetime, datetime.datetime]],
    venue_id: int | None = None,
    instructor_id: int | None = None,
    exclude_ids: tuple[int, ...] = (),
    places: list[tuple[int | None, int | None]] | None = None,
) -> list[Warning]:
    """Return the warnings for meetings at ``intervals`` (aware datetimes), soonest first.

    ``places`` gives each interval its own ``(venue_id, instructor_id)`` (a
    session whose meetings are in different rooms); without it every interval
    has ``venue_id`` and ``instructor_id``. Bookings are checked against the
    other sessions' meetings (``exclude_ids`` are sessions), one query per
    venue or instructor.
    """
    if not intervals:
        return []
    if places is None:
        places = [(venue_id, instructor_id)] * len(intervals)
    zone = district.time_zone
    found = []
    live = Meeting.objects.filter(is_cancelled=False).exclude(
        session__status=TrainingSession.Status.CANCELLED
    )
    booked = (
        (
            Kind.VENUE,
            "venue_id",
            0,
            _("The venue is already booked for “%(title)s”, %(when)s."),
        ),
        (
            Kind.INSTRUCTOR,
            "instructor_id",
            1,
            _("The instructor is already teaching “%(title)s”, %(when)s."),
        ),
    )
    for kind, field, column, text in booked:
        for value in sorted({place[column] for place in places if place[column]}):
            mine = [
                interval
                for interval, place in zip(intervals, places, strict=True)
                if place[column] == value
            ]
            others = live.filter(_overlapping(mine, exclude_ids), **{field: value})
            found += _booked(others.select_related("session__program"), mine, kind, text, zone)
    found += _holiday_warnings(district, intervals)
    found += _working_hours_warnings(district, intervals)
    return sorted(found, key=lambda warning: (warning.start, warning.kind))


def _local_days(start, end, zone) -> list[datetime.date]:
    first = localtime.in_zone(start, zone).date()
    last = localtime.in_zone(end - datetime.timedelta(microseconds=1), zone).date()
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def _holiday_warnings(district, intervals) -> list[Warning]:
    """Return a warning for each holiday of the district (its local day) a session touches."""
    first, last = days_around(
        min(start for start, _end in intervals), max(end for _start, end in intervals)
    )
    days = [
        (number, start, end, holiday)
        for number, (holiday, district_id, zone, start, end) in enumerate(
            holiday_intervals(first, last)
        )
        if district_id == district.pk or (district_id is None and zone == district.time_zone)
    ]
    hits = find_overlaps(
        [(number, start, end) for number, (start, end) in enumerate(intervals)],
        [(number, start, end) for number, start, end, _holiday in days],
    )
    holidays = {number: holiday for number, _start, _end, holiday in days}
    pairs = sorted(
        (hit.left_id, holidays[hit.right_id].date, hit.right_id)
        for hit in hits
        if isinstance(hit, Overlap)
    )
    return [
        Warning(
            Kind.HOLIDAY,
            intervals[left][0],
            _("%(date)s is a holiday: %(name)s (%(kind)s).")
            % {
                "date": formats.date_format(holidays[right].date, "DATE_FORMAT"),
                "name": holidays[right].name,
                "kind": holidays[right].get_kind_display(),
            },
        )
        for left, _date, right in pairs
    ]


def _off_duty(start, end, zone) -> list[tuple]:
    """Return the off-duty local intervals (nights, weekends) of the days ``[start, end)`` spans."""
    tz = zoneinfo.ZoneInfo(zone)
    result = []
    for day in _local_days(start, end, zone):
        midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=tz)
        next_midnight = midnight + datetime.timedelta(days=1)
        if day.weekday() not in WORKDAYS:
            result.append((day, midnight, next_midnight))
            continue
        opens = datetime.datetime.combine(day, WORKDAY_START, tzinfo=tz)
        closes = datetime.datetime.combine(day, WORKDAY_END, tzinfo=tz)
        result += [((day, "before"), midnight, opens), ((day, "after"), closes, next_midnight)]
    return result


def outside_working_hours(start, end, zone) -> bool:
    """Return whether ``[start, end)`` leaves Monday-Friday 07.30-16.00 local time."""
    return bool(overlapping_pairs([("session", start, end)], _off_duty(start, end, zone)))


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
