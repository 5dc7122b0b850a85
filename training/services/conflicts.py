"""The conflict engine: which active enrolments clash with what, and since when.

Two layers share one rule, half-open intervals ``[start, end)``:

- :func:`~training.overlap.find_overlaps` is pure: it takes ``(id, start, end)`` tuples and
  returns typed results (:class:`Overlap`, :class:`InvalidInterval`), never
  raising. Back-to-back intervals and empty intervals overlap nothing.
- :func:`_conflicts` is the one database core every entry point goes through
  (a time window, one person, one session, a batch of enrolments, sessions a
  person is not enrolled in yet): the entry point only says which *subjects*
  to check, and one set-based query (the same SQL on PostgreSQL and SQLite,
  never one per person) joins them to the person's other intervals with
  ``a.start < b.end AND b.start < a.end``, which is :func:`find_overlaps`'s
  rule for the non-empty intervals the models' constraints guarantee.

A subject is a meeting of an active enrolment's session (requested, approved
or waitlisted), or of a session checked as if the person were enrolled, in a
session that is not cancelled: a session with three meetings is three
subjects, and a duty shift on day 2 is a clash of that meeting only
(``Conflict.meeting_id``; ``session_start``/``session_end`` are its times).
The other enrolments are their sessions' meetings too.

It clashes with: a schedule entry of the person (duty shift, leave, official
travel, other), another of the person's active enrolments, or a holiday of
the session's district (its whole local day in the district's
zone). Each conflict carries a fingerprint that changes when either side
changes (ids or times), and whether the person has marked it resolved (a
:class:`~training.models.ConflictResolution` with the same fingerprint on one
of their enrolments): resolved conflicts are reported, flagged, not dropped.
"""

import dataclasses
import datetime
import functools
import hashlib
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import DateTimeField, Expression, F, IntegerField, Max, Min, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from districts.localtime import format_date, format_range
from districts.models import CivilServant, District, Holiday, ScheduleEntry

from ..models import ConflictResolution, Enrollment, Meeting, TrainingSession
from .overlap import InvalidInterval, Overlap, find_overlaps, overlapping_pairs

__all__ = [
    "Conflict",
    "ConflictKind",
    "InvalidInterval",
    "Overlap",
    "clashes_for_prospective",
    "clashing_session_ids",
    "conflicts_for_enrollment_set",
    "conflicts_for_enrollments",
    "conflicts_for_person",
    "conflicts_for_session",
    "conflicts_in_window",
    "find_overlaps",
    "fingerprint",
    "overlapping_pairs",
]

# --------------------------------------------------------------------------
# Conflicts in the database
# --------------------------------------------------------------------------


class ConflictKind:
    DUTY_SHIFT = ScheduleEntry.Kind.DUTY_SHIFT.value
    LEAVE = ScheduleEntry.Kind.LEAVE.value
    OFFICIAL_TRAVEL = ScheduleEntry.Kind.OFFICIAL_TRAVEL.value
    OTHER = ScheduleEntry.Kind.OTHER.value
    ENROLLMENT = "enrollment"
    HOLIDAY = "holiday"

    LABELS = {
        DUTY_SHIFT: _("Duty shift"),
        LEAVE: _("Leave"),
        OFFICIAL_TRAVEL: _("Official travel"),
        OTHER: _("Other"),
        ENROLLMENT: _("Another training session"),
        HOLIDAY: _("Holiday"),
    }


@dataclasses.dataclass(frozen=True)
class Conflict:
    """One clash of a session (and the enrolment in it, if any) with something else."""

    kind: str
    person_id: int
    enrollment_id: int | None
    session_id: int
    session_start: datetime.datetime
    session_end: datetime.datetime
    other_id: int
    other_start: datetime.datetime
    other_end: datetime.datetime
    other_label: str
    fingerprint: str
    other_session_id: int | None = None
    resolved: bool = False
    #: The meeting of the session that clashes (``session_start``/``session_end`` are its times).
    meeting_id: int | None = None

    @property
    def kind_label(self) -> str:
        return str(ConflictKind.LABELS[self.kind])

    @property
    def label(self) -> str:
        """Return e.g. ``Duty shift: Shift loket pelayanan``."""
        return f"{self.kind_label}: {self.other_label}" if self.other_label else self.kind_label

    def when(self, time_zone: str) -> str:
        """Return when the other side happens: a holiday is a whole day, the rest a range."""
        if self.kind == ConflictKind.HOLIDAY:
            return format_date(self.other_start, time_zone)
        return format_range(self.other_start, self.other_end, time_zone)


def _stamp(value: datetime.datetime) -> int:
    """Return microseconds since the epoch: the same on every database and zone."""
    delta = value - datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def fingerprint(kind: str, mine: tuple, other: tuple) -> str:
    """Return a stable hash of both sides ``(id, start, end)``: order-free for enrolment pairs."""
    sides = [f"{item[0]}@{_stamp(item[1])}-{_stamp(item[2])}" for item in (mine, other)]
    if kind == ConflictKind.ENROLLMENT:
        sides.sort()
    text = f"{kind}|{sides[0]}|{sides[1]}"
    return hashlib.sha256(text.encode()).hexdigest()


def _active_enrollments():
    return (
        Enrollment.objects.filter(status__in=Enrollment.ACTIVE)
        .exclude(session__status=TrainingSession.Status.CANCELLED)
        .order_by()
    )


_NO_ID = Cast(Value(None), output_field=IntegerField())
_SUBJECT_COLUMNS = (
    "s_enrollment",
    "s_person",
    "s_session",
    "s_meeting",
    "s_start",
    "s_end",
    "s_district",
)


@dataclasses.dataclass(frozen=True)
class _Subjects:
    """What is checked: active enrolments, or sessions one person is not (yet) enrolled in.

    ``queryset`` has one row per subject (an enrolment or a session); the
    expressions name its person, enrolment (``NULL`` for a prospective
    session) and session. Holidays are looked up from ``first`` to ``last``.
    """

    queryset: QuerySet
    session: str
    person: Expression
    enrollment: Expression
    first: datetime.date
    last: datetime.date | None
    # Fixed values for a subject that is not a session row (people checked against one
    # meeting, :func:`clashing_people`); otherwise read through ``session``'s meetings.
    session_id: Expression | None = None
    meeting_id: Expression | None = None
    start: Expression | None = None
    end: Expression | None = None

    def values(self, *names: str) -> QuerySet:
        columns = {
            "s_enrollment": self.enrollment,
            "s_person": self.person,
            "s_session": self.session_id
            if self.session_id is not None
            else F(f"{self.session}id" if self.session else "pk"),
            "s_meeting": self.meeting_id
            if self.meeting_id is not None
            else F(f"{self.session}meetings__id"),
            "s_start": self.start
            if self.start is not None
            else F(f"{self.session}meetings__start"),
            "s_end": self.end if self.end is not None else F(f"{self.session}meetings__end"),
            "s_district": F(f"{self.session}district_id"),
        }
        return self.queryset.values(**{name: columns[name] for name in names})


def _enrolled(enrollments: QuerySet, first: datetime.date, last: datetime.date | None):
    return _Subjects(
        queryset=enrollments,
        session="session__",
        person=F("civil_servant_id"),
        enrollment=F("pk"),
        first=first,
        last=last,
    )


def _schedule_entries() -> QuerySet:
    """Return every schedule entry as an "other side" of a conflict."""
    return ScheduleEntry.objects.order_by().values(
        o_id=F("pk"),
        o_person=F("civil_servant_id"),
        o_kind=F("kind"),
        o_session=_NO_ID,
        o_start=F("start"),
        o_end=F("end"),
        o_label=F("note"),
    )


def _other_enrollments() -> QuerySet:
    """Return every active enrolment as an "other side" of a conflict."""
    return _active_enrollments().values(
        o_id=F("pk"),
        o_person=F("civil_servant_id"),
        o_kind=Value(ConflictKind.ENROLLMENT),
        o_session=F("session_id"),
        o_start=F("session__meetings__start"),
        o_end=F("session__meetings__end"),
        o_label=F("session__program__title"),
    )


_OTHERS = {"entries": _schedule_entries, "enrollments": _other_enrollments}


@functools.cache
def _others_sql(name: str, vendor: str) -> tuple[str, tuple]:
    """Return the compiled ``SELECT`` of one kind of other side (it has no varying parameter)."""
    return _OTHERS[name]().query.sql_with_params()


# The one overlap query, the same SQL on PostgreSQL and SQLite: the subjects
# joined to the person's other intervals, half-open (back-to-back is no clash);
# an enrolment never clashes with the session it is checked for.
_OVERLAP_SQL = (
    "SELECT s.s_enrollment, s.s_person, s.s_session, s.s_meeting, s.s_start, s.s_end,"
    " o.o_id, o.o_kind, o.o_session, o.o_start, o.o_end, o.o_label"
    " FROM ({subjects}) s JOIN ({others}) o ON o.o_person = s.s_person"
    " AND o.o_start < s.s_end AND s.s_start < o.o_end"
    " AND (o.o_session IS NULL OR o.o_session <> s.s_session)"
)
# The subjects on a holiday of their district (regional) or of their district's
# zone (national), half-open too: the holidays' local days come as a VALUES list
# of (number, district or 0, zone or '', start, end), named column1... on both
# databases; the number stands in the other side's id.
_HOLIDAY_SQL = (
    "SELECT s.s_enrollment, s.s_person, s.s_session, s.s_meeting, s.s_start, s.s_end,"
    " h.column1, %s, CAST(NULL AS integer), h.column4, h.column5, ''"
    " FROM ({subjects}) s JOIN {districts} d ON d.id = s.s_district JOIN (VALUES {values}) h"
    " ON (h.column2 = d.id OR h.column3 = d.time_zone)"
    " AND h.column4 < s.s_end AND s.s_start < h.column5"
)


def _aware(value) -> datetime.datetime:
    """Return a datetime column of a raw row as an aware datetime (SQLite gives text)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)


def _overlap_rows(subjects: _Subjects, intervals: list[tuple]) -> list[tuple]:
    """Return the rows of the overlap and holiday queries, in one round trip."""
    mine_sql, mine_params = subjects.values(*_SUBJECT_COLUMNS).query.sql_with_params()
    parts, params = [], []
    for name in _OTHERS:
        other_sql, other_params = _others_sql(name, connection.vendor)
        parts.append(_OVERLAP_SQL.format(subjects=mine_sql, others=other_sql))
        params += [*mine_params, *other_params]
    if intervals:
        adapt = connection.ops.adapt_datetimefield_value
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(intervals))
        districts = connection.ops.quote_name(District._meta.db_table)
        parts.append(_HOLIDAY_SQL.format(subjects=mine_sql, districts=districts, values=values))
        params += [ConflictKind.HOLIDAY, *mine_params]
        for number, (_holiday, district_id, zone, start, end) in enumerate(intervals):
            place = (district_id, "") if district_id is not None else (0, zone)
            params += [number, *place, adapt(start), adapt(end)]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return cursor.fetchall()


def _conflict(row: tuple, intervals: list[tuple]) -> Conflict:
    """Return the conflict of one row of :func:`_overlap_rows`."""
    enrollment, person, session, meeting, s_start, s_end = row[:6]
    other, kind, o_session, o_start, o_end, label = row[6:]
    subject = (enrollment, person, session, _aware(s_start), _aware(s_end))
    if kind == ConflictKind.HOLIDAY:
        found = _holiday_conflict(*subject, intervals[other])
    else:
        found = _make(kind, *subject, (other, _aware(o_start), _aware(o_end), label, o_session))
    return dataclasses.replace(found, meeting_id=meeting)


def _make(kind: str, enrollment, person, session, s_start, s_end, other: tuple) -> Conflict:
    """Return the conflict of a subject with ``(id, start, end, label, session or None)``."""
    other_id, o_start, o_end, label, o_session = other
    mine_id = session
    if kind == ConflictKind.ENROLLMENT:
        # Order-free for a pair; a prospective session is named apart from enrolment ids.
        mine_id = enrollment if enrollment is not None else f"s{session}"
    return Conflict(
        kind=kind,
        person_id=person,
        enrollment_id=enrollment,
        session_id=session,
        session_start=s_start,
        session_end=s_end,
        other_id=other_id,
        other_start=o_start,
        other_end=o_end,
        other_label=label,
        fingerprint=fingerprint(kind, (mine_id, s_start, s_end), (other_id, o_start, o_end)),
        other_session_id=o_session,
    )


def holiday_intervals(
    first: datetime.date, last: datetime.date | None = None
) -> list[tuple[Holiday, int | None, str, datetime.datetime, datetime.datetime]]:
    """Return ``(holiday, district_id or None, zone, start, end)`` for holidays from ``first``.

    A holiday is the whole local day in each zone it applies to: a regional
    holiday in its district's zone, a national one in every zone a district
    can have (so no query of the districts is needed).
    """
    holidays = Holiday.objects.filter(date__gte=first).select_related("district")
    if last is not None:
        holidays = holidays.filter(date__lte=last)
    result = []
    for holiday in holidays:
        if holiday.district_id is not None:
            targets = [(holiday.district_id, holiday.district.time_zone)]
        else:
            targets = [(None, zone) for zone in District.Zone.values]
        for district_id, zone in targets:
            tz = zoneinfo.ZoneInfo(zone)
            start = datetime.datetime.combine(holiday.date, datetime.time(), tzinfo=tz)
            end = datetime.datetime.combine(
                holiday.date + datetime.timedelta(days=1), datetime.time(), tzinfo=tz
            )
            result.append((holiday, district_id, zone, start, end))
    return result


def _holiday_conflict(enrollment_id, person, session, s_start, s_end, interval) -> Conflict:
    holiday, _district, _zone, h_start, h_end = interval
    other = (holiday.pk, h_start, h_end, holiday.name, None)
    return _make(ConflictKind.HOLIDAY, enrollment_id, person, session, s_start, s_end, other)


def match_holidays(sessions, intervals) -> list[Conflict]:
    """Match ``(enrollment_id, person, session, start, end, district, zone)`` rows to holidays."""
    conflicts = []
    by_key = defaultdict(list)
    for number, (_holiday, district_id, zone, start, end) in enumerate(intervals):
        by_key[(district_id, zone)].append((number, start, end))
    for enrollment_id, person, session, s_start, s_end, district_id, zone in sessions:
        candidates = by_key[(district_id, zone)] + by_key[(None, zone)]
        for overlap in find_overlaps([(session, s_start, s_end)], candidates):
            if isinstance(overlap, Overlap):
                conflicts.append(
                    _holiday_conflict(
                        enrollment_id, person, session, s_start, s_end, intervals[overlap.right_id]
                    )
                )
    return conflicts


def _with_resolution(conflicts: list[Conflict], subjects: _Subjects) -> list[Conflict]:
    """Flag the conflicts the person marked resolved (same fingerprint, one of their enrolments).

    A prospective session has no enrolment yet, so nothing of it is resolved.
    """
    resolved = set()
    if any(item.enrollment_id is not None for item in conflicts):
        resolved = set(
            ConflictResolution.objects.filter(
                enrollment__civil_servant_id__in=subjects.values("s_person")
            ).values_list("enrollment__civil_servant_id", "fingerprint")
        )
    result = [
        dataclasses.replace(item, resolved=True)
        if item.enrollment_id is not None and (item.person_id, item.fingerprint) in resolved
        else item
        for item in conflicts
    ]
    return sorted(result, key=_order)


def _order(conflict: Conflict):
    return (
        conflict.session_start,
        conflict.person_id,
        conflict.session_id,
        conflict.kind,
        conflict.other_start,
        conflict.other_id,
    )


def _conflicts(subjects: _Subjects) -> list[Conflict]:
    """Return every conflict of ``subjects``: the one core all entry points go through."""
    intervals = holiday_intervals(subjects.first, subjects.last)
    found = [_conflict(row, intervals) for row in _overlap_rows(subjects, intervals)]
    return _with_resolution(found, subjects)


def days_around(start: datetime.datetime, end: datetime.datetime):
    """Return the dates that can be local days of ``[start, end)`` in any zone (±1 day)."""
    return (start - datetime.timedelta(days=1)).date(), (end + datetime.timedelta(days=1)).date()


def conflicts_in_window(
    *, start: datetime.datetime, end: datetime.datetime, district_id: int | None = None
) -> list[Conflict]:
    """Return the conflicts of active enrolments in sessions overlapping ``[start, end)``.

    With ``district_id``, only those of the people of that district (a part of the
    periodic scan, ``training.services.district_scans``): the other side of a
    conflict is always the person's own, so the parts add up to the whole.
    """
    enrollments = _active_enrollments().filter(session__start__lt=end, session__end__gt=start)
    if district_id is not None:
        enrollments = enrollments.filter(civil_servant__district_id=district_id)
    return _conflicts(_enrolled(enrollments, *days_around(start, end)))


def _upcoming(enrollments: QuerySet, now: datetime.datetime) -> _Subjects:
    """Return the enrolments in sessions not yet over; holidays from yesterday on."""
    upcoming = enrollments.filter(session__end__gt=now)
    return _enrolled(upcoming, (now - datetime.timedelta(days=1)).date(), None)


def conflicts_for_person(*, person_id: int, now: datetime.datetime) -> list[Conflict]:
    """Return the conflicts of the person's active enrolments in sessions not yet over."""
    return _conflicts(_upcoming(_active_enrollments().filter(civil_servant_id=person_id), now))


def conflicts_for_enrollments(
    *, enrollment_ids: Iterable[int], now: datetime.datetime
) -> list[Conflict]:
    """Return the conflicts of the given enrolments (still active, sessions not over)."""
    ids = sorted(set(enrollment_ids))
    if not ids:
        # ``pk__in=[]`` matches nothing, and Django raises EmptyResultSet when the
        # query is compiled to SQL for the set-based conflict join.
        return []
    return _conflicts(_upcoming(_active_enrollments().filter(pk__in=ids), now))


def conflicts_for_enrollment_set(
    *, enrollments: QuerySet, now: datetime.datetime
) -> list[Conflict]:
    """Return the conflicts of the enrolments ``enrollments`` selects (active, not over).

    Set-based: ``enrollments`` stays a subquery of the one overlap statement, so
    a sekda's 10,000 people are never loaded nor listed as ids.
    """
    chosen = _active_enrollments().filter(pk__in=enrollments.order_by().values("pk"))
    return _conflicts(_upcoming(chosen, now))


def conflicts_for_session(*, session_id: int) -> list[Conflict]:
    """Return the conflicts of the active enrolments of one session."""
    bounds = TrainingSession.objects.filter(pk=session_id).values_list("start", "end").first()
    if bounds is None:
        return []
    enrollments = _active_enrollments().filter(session_id=session_id)
    return _conflicts(_enrolled(enrollments, *days_around(*bounds)))


def _prospective(person_id: int, session_ids: Iterable[int]) -> list[Conflict]:
    """Return the person's clashes with the sessions (not cancelled), as if enrolled in each."""
    sessions = (
        TrainingSession.objects.filter(pk__in=list(session_ids))
        .exclude(status=TrainingSession.Status.CANCELLED)
        .order_by()
    )
    bounds = sessions.aggregate(low=Min("start"), high=Max("end"))
    if bounds["low"] is None:
        return []
    first, last = days_around(bounds["low"], bounds["high"])
    subjects = _Subjects(
        queryset=sessions,
        session="",
        person=Value(person_id, output_field=IntegerField()),
        enrollment=_NO_ID,
        first=first,
        last=last,
    )
    return _conflicts(subjects)


def clashes_for_prospective(*, person_id: int, session_id: int) -> list[Conflict]:
    """Return what a session the person is not (yet) enrolled in would clash with."""
    return _prospective(person_id, [session_id])


def clashing_session_ids(*, person_id: int, session_ids: Iterable[int]) -> set[int]:
    """Return which of ``session_ids`` clash with the person's schedule (catalogue cards)."""
    return {item.session_id for item in _prospective(person_id, session_ids)}


def clashing_people(*, session_id: int, person_ids: Iterable[int]) -> set[int]:
    """Return which of the people the session would clash with (one query per meeting)."""
    ids = sorted(set(person_ids))
    meetings = list(
        Meeting.objects.filter(session_id=session_id, is_cancelled=False)
        .order_by("start")
        .values("pk", "start", "end")
    )
    if not ids or not meetings:
        return set()
    found = set()
    for meeting in meetings:
        start = Value(meeting["start"], output_field=DateTimeField())
        end = Value(meeting["end"], output_field=DateTimeField())
        subjects = _Subjects(
            queryset=CivilServant.objects.filter(pk__in=ids).order_by(),
            session="",
            person=F("pk"),
            enrollment=_NO_ID,
            first=days_around(meeting["start"], meeting["end"])[0],
            last=days_around(meeting["start"], meeting["end"])[1],
            session_id=Value(session_id, output_field=IntegerField()),
            meeting_id=Value(meeting["pk"], output_field=IntegerField()),
            start=start,
            end=end,
        )
        found |= {item.person_id for item in _conflicts(subjects)}
    return found
