"""The conflict engine: which active enrolments clash with what, and since when.

Two layers share one rule, half-open intervals ``[start, end)``:

- :func:`~training.overlap.find_overlaps` is pure: it takes ``(id, start, end)`` tuples and
  returns typed results (:class:`Overlap`, :class:`InvalidInterval`), never
  raising. Back-to-back intervals and empty intervals overlap nothing.
- The entry points below find conflicts in the database with a few set-based
  queries (never one per person), the same SQL on PostgreSQL and SQLite:
  ``a.start < b.end AND b.start < a.end``, which is :func:`find_overlaps`'s
  rule for the non-empty intervals the models' constraints guarantee.

A conflict belongs to one active enrolment (requested, approved or
waitlisted) of a session that is not cancelled, and is one of: a schedule
entry of the person (duty shift, leave, official travel, other), another of
the person's active enrolments, or a holiday of the session's district (its
date taken in the district's zone). Each conflict carries a fingerprint that
changes when either side changes (ids or times), and whether the person has
marked it resolved (a :class:`~training.models.ConflictResolution` with the
same fingerprint): resolved conflicts are reported, flagged, not dropped.
"""

import dataclasses
import datetime
import hashlib
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from districts.models import District, Holiday, ScheduleEntry

from .models import ConflictResolution, Enrollment, TrainingSession
from .overlap import InvalidInterval, Overlap, find_overlaps, overlapping_pairs

__all__ = [
    "Conflict",
    "ConflictKind",
    "InvalidInterval",
    "Overlap",
    "clashes_for_prospective",
    "clashing_session_ids",
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

    @property
    def kind_label(self) -> str:
        return str(ConflictKind.LABELS[self.kind])

    @property
    def label(self) -> str:
        """Return e.g. ``Duty shift: Shift loket pelayanan``."""
        return f"{self.kind_label}: {self.other_label}" if self.other_label else self.kind_label


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


def _entry_conflicts(enrollments) -> list[Conflict]:
    entries = "civil_servant__schedule_entries"
    rows = enrollments.filter(
        **{f"{entries}__start__lt": F("session__end"), f"{entries}__end__gt": F("session__start")}
    ).values_list(
        "pk",
        "civil_servant_id",
        "session_id",
        "session__start",
        "session__end",
        f"{entries}__pk",
        f"{entries}__kind",
        f"{entries}__start",
        f"{entries}__end",
        f"{entries}__note",
    )
    conflicts = []
    for pk, person, session, s_start, s_end, other, kind, o_start, o_end, note in rows:
        conflicts.append(
            Conflict(
                kind=kind,
                person_id=person,
                enrollment_id=pk,
                session_id=session,
                session_start=s_start,
                session_end=s_end,
                other_id=other,
                other_start=o_start,
                other_end=o_end,
                other_label=note,
                fingerprint=fingerprint(kind, (session, s_start, s_end), (other, o_start, o_end)),
            )
        )
    return conflicts


def _enrollment_conflicts(enrollments) -> list[Conflict]:
    others = "civil_servant__enrollments"
    open_statuses = [
        value
        for value in TrainingSession.Status.values
        if value != TrainingSession.Status.CANCELLED
    ]
    # One filter() call, positive conditions only: Django then keeps one join to
    # the other enrolment (a negated condition would become a subquery).
    rows = enrollments.filter(
        Q(**{f"{others}__pk__lt": F("pk")}) | Q(**{f"{others}__pk__gt": F("pk")}),
        **{
            f"{others}__status__in": Enrollment.ACTIVE,
            f"{others}__session__status__in": open_statuses,
            f"{others}__session__start__lt": F("session__end"),
            f"{others}__session__end__gt": F("session__start"),
        },
    ).values_list(
        "pk",
        "civil_servant_id",
        "session_id",
        "session__start",
        "session__end",
        f"{others}__pk",
        f"{others}__session_id",
        f"{others}__session__start",
        f"{others}__session__end",
        f"{others}__session__program__title",
    )
    conflicts = []
    for pk, person, session, s_start, s_end, other, o_session, o_start, o_end, title in rows:
        conflicts.append(
            Conflict(
                kind=ConflictKind.ENROLLMENT,
                person_id=person,
                enrollment_id=pk,
                session_id=session,
                session_start=s_start,
                session_end=s_end,
                other_id=other,
                other_start=o_start,
                other_end=o_end,
                other_label=title,
                fingerprint=fingerprint(
                    ConflictKind.ENROLLMENT, (pk, s_start, s_end), (other, o_start, o_end)
                ),
                other_session_id=o_session,
            )
        )
    return conflicts


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


def _holiday_condition(intervals, prefix: str = "") -> Q | None:
    condition = None
    for _holiday, district_id, zone, start, end in intervals:
        place = (
            Q(**{f"{prefix}district_id": district_id})
            if district_id is not None
            else Q(**{f"{prefix}district__time_zone": zone})
        )
        clause = place & Q(**{f"{prefix}start__lt": end, f"{prefix}end__gt": start})
        condition = clause if condition is None else condition | clause
    return condition


def _holiday_conflicts(
    enrollments, first: datetime.date, last: datetime.date | None
) -> list[Conflict]:
    intervals = holiday_intervals(first, last)
    condition = _holiday_condition(intervals, prefix="session__")
    if condition is None:
        return []
    rows = enrollments.filter(condition).values_list(
        "pk",
        "civil_servant_id",
        "session_id",
        "session__start",
        "session__end",
        "session__district_id",
        "session__district__time_zone",
    )
    return match_holidays(
        [
            (pk, person, session, start, end, district, zone)
            for pk, person, session, start, end, district, zone in rows
        ],
        intervals,
    )


def match_holidays(sessions, intervals) -> list[Conflict]:
    """Match ``(enrollment_id, person, session, start, end, district, zone)`` rows to holidays."""
    conflicts = []
    by_key = defaultdict(list)
    for number, (_holiday, district_id, zone, start, end) in enumerate(intervals):
        by_key[(district_id, zone)].append((number, start, end))
    for enrollment_id, person, session, s_start, s_end, district_id, zone in sessions:
        candidates = by_key[(district_id, zone)] + by_key[(None, zone)]
        for overlap in find_overlaps([(session, s_start, s_end)], candidates):
            if not isinstance(overlap, Overlap):
                continue
            holiday, _d, _z, h_start, h_end = intervals[overlap.right_id]
            conflicts.append(
                Conflict(
                    kind=ConflictKind.HOLIDAY,
                    person_id=person,
                    enrollment_id=enrollment_id,
                    session_id=session,
                    session_start=s_start,
                    session_end=s_end,
                    other_id=holiday.pk,
                    other_start=h_start,
                    other_end=h_end,
                    other_label=holiday.name,
                    fingerprint=fingerprint(
                        ConflictKind.HOLIDAY,
                        (session, s_start, s_end),
                        (holiday.pk, h_start, h_end),
                    ),
                )
            )
    return conflicts


def _with_resolution(conflicts: list[Conflict], resolutions) -> list[Conflict]:
    resolved = set(resolutions.values_list("fingerprint", flat=True)) if conflicts else set()
    result = [
        dataclasses.replace(item, resolved=True) if item.fingerprint in resolved else item
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


def _conflicts(enrollments, *, first: datetime.date, last: datetime.date | None, resolutions):
    found = (
        _entry_conflicts(enrollments)
        + _enrollment_conflicts(enrollments)
        + _holiday_conflicts(enrollments, first, last)
    )
    return _with_resolution(found, resolutions)


def days_around(start: datetime.datetime, end: datetime.datetime):
    """Return the dates that can be local days of ``[start, end)`` in any zone (±1 day)."""
    return (start - datetime.timedelta(days=1)).date(), (end + datetime.timedelta(days=1)).date()


def conflicts_in_window(*, start: datetime.datetime, end: datetime.datetime) -> list[Conflict]:
    """Return the conflicts of active enrolments in sessions overlapping ``[start, end)``."""
    enrollments = _active_enrollments().filter(session__start__lt=end, session__end__gt=start)
    first, last = days_around(start, end)
    resolutions = ConflictResolution.objects.filter(
        enrollment__session__start__lt=end, enrollment__session__end__gt=start
    )
    return _conflicts(enrollments, first=first, last=last, resolutions=resolutions)


def conflicts_for_person(*, person_id: int, now: datetime.datetime) -> list[Conflict]:
    """Return the conflicts of the person's active enrolments in sessions not yet over.

    One person has few rows: they are fetched with three plain queries and
    matched by :func:`find_overlaps`, which gives the same answers as the
    set-based queries of :func:`conflicts_in_window` (the tests compare them).
    """
    enrolled = list(
        _active_enrollments()
        .filter(civil_servant_id=person_id, session__end__gt=now)
        .values_list(
            "pk",
            "session_id",
            "session__start",
            "session__end",
            "session__district_id",
            "session__district__time_zone",
            "session__program__title",
        )
    )
    if not enrolled:
        return []
    low = min(row[2] for row in enrolled)
    high = max(row[3] for row in enrolled)
    entries = {
        row[0]: row
        for row in ScheduleEntry.objects.filter(
            civil_servant_id=person_id, start__lt=high, end__gt=low
        ).values_list("pk", "kind", "start", "end", "note")
    }
    by_pk = {row[0]: row for row in enrolled}
    intervals = [(row[0], row[2], row[3]) for row in enrolled]
    found = []
    for overlap in find_overlaps(intervals, [(pk, row[2], row[3]) for pk, row in entries.items()]):
        if isinstance(overlap, Overlap):
            pk, session, s_start, s_end, *_rest = by_pk[overlap.left_id]
            other, kind, o_start, o_end, note = entries[overlap.right_id]
            found.append(
                Conflict(
                    kind=kind,
                    person_id=person_id,
                    enrollment_id=pk,
                    session_id=session,
                    session_start=s_start,
                    session_end=s_end,
                    other_id=other,
                    other_start=o_start,
                    other_end=o_end,
                    other_label=note,
                    fingerprint=fingerprint(
                        kind, (session, s_start, s_end), (other, o_start, o_end)
                    ),
                )
            )
    for overlap in find_overlaps(intervals):
        if isinstance(overlap, Overlap):
            first, second = by_pk[overlap.left_id], by_pk[overlap.right_id]
            for mine, other in ((first, second), (second, first)):
                found.append(
                    Conflict(
                        kind=ConflictKind.ENROLLMENT,
                        person_id=person_id,
                        enrollment_id=mine[0],
                        session_id=mine[1],
                        session_start=mine[2],
                        session_end=mine[3],
                        other_id=other[0],
                        other_start=other[2],
                        other_end=other[3],
                        other_label=other[6],
                        fingerprint=fingerprint(
                            ConflictKind.ENROLLMENT,
                            (mine[0], mine[2], mine[3]),
                            (other[0], other[2], other[3]),
                        ),
                        other_session_id=other[1],
                    )
                )
    first_day, last_day = days_around(low, high)
    found += match_holidays(
        [
            (pk, person_id, session, start, end, district, zone)
            for pk, session, start, end, district, zone, _title in enrolled
        ],
        holiday_intervals(first_day, last_day),
    )
    resolutions = ConflictResolution.objects.filter(enrollment__civil_servant_id=person_id)
    return _with_resolution(found, resolutions)


def conflicts_for_enrollments(
    *, enrollment_ids: Iterable[int], now: datetime.datetime
) -> list[Conflict]:
    """Return the conflicts of the given enrolments (still active, sessions not over)."""
    ids = sorted(set(enrollment_ids))
    enrollments = _active_enrollments().filter(pk__in=ids, session__end__gt=now)
    first = (now - datetime.timedelta(days=1)).date()
    resolutions = ConflictResolution.objects.filter(
        enrollment__civil_servant__in=Enrollment.objects.filter(pk__in=ids).values(
            "civil_servant_id"
        )
    )
    return _conflicts(enrollments, first=first, last=None, resolutions=resolutions)


def conflicts_for_session(*, session_id: int) -> list[Conflict]:
    """Return the conflicts of the active enrolments of one session."""
    enrollments = _active_enrollments().filter(session_id=session_id)
    bounds = TrainingSession.objects.filter(pk=session_id).values_list("start", "end").first()
    if bounds is None:
        return []
    first, last = days_around(*bounds)
    resolutions = ConflictResolution.objects.filter(
        enrollment__civil_servant__enrollments__session_id=session_id
    )
    return _conflicts(enrollments, first=first, last=last, resolutions=resolutions)


def _prospective(person_id: int, sessions: list[tuple]) -> list[Conflict]:
    """Return the person's clashes with ``(id, start, end, district_id, zone)`` sessions."""
    if not sessions:
        return []
    low = min(item[1] for item in sessions)
    high = max(item[2] for item in sessions)
    session_ids = [item[0] for item in sessions]
    intervals = [(item[0], item[1], item[2]) for item in sessions]
    by_id = {item[0]: item for item in sessions}

    entries = {
        row[0]: row
        for row in ScheduleEntry.objects.filter(
            civil_servant_id=person_id, start__lt=high, end__gt=low
        ).values_list("pk", "kind", "start", "end", "note")
    }
    enrolled = {
        row[0]: row
        for row in _active_enrollments()
        .filter(civil_servant_id=person_id, session__start__lt=high, session__end__gt=low)
        .exclude(session_id__in=session_ids)
        .values_list(
            "pk", "session_id", "session__start", "session__end", "session__program__title"
        )
    }
    conflicts = []
    for overlap in find_overlaps(intervals, [(pk, row[2], row[3]) for pk, row in entries.items()]):
        if isinstance(overlap, Overlap):
            session, s_start, s_end, _d, _z = by_id[overlap.left_id]
            pk, kind, o_start, o_end, note = entries[overlap.right_id]
            conflicts.append(
                Conflict(
                    kind=kind,
                    person_id=person_id,
                    enrollment_id=None,
                    session_id=session,
                    session_start=s_start,
                    session_end=s_end,
                    other_id=pk,
                    other_start=o_start,
                    other_end=o_end,
                    other_label=note,
                    fingerprint=fingerprint(kind, (session, s_start, s_end), (pk, o_start, o_end)),
                )
            )
    for overlap in find_overlaps(intervals, [(pk, row[2], row[3]) for pk, row in enrolled.items()]):
        if isinstance(overlap, Overlap):
            session, s_start, s_end, _d, _z = by_id[overlap.left_id]
            pk, o_session, o_start, o_end, title = enrolled[overlap.right_id]
            conflicts.append(
                Conflict(
                    kind=ConflictKind.ENROLLMENT,
                    person_id=person_id,
                    enrollment_id=None,
                    session_id=session,
                    session_start=s_start,
                    session_end=s_end,
                    other_id=pk,
                    other_start=o_start,
                    other_end=o_end,
                    other_label=title,
                    fingerprint=fingerprint(
                        ConflictKind.ENROLLMENT,
                        (f"s{session}", s_start, s_end),
                        (pk, o_start, o_end),
                    ),
                    other_session_id=o_session,
                )
            )
    first, last = days_around(low, high)
    conflicts += match_holidays(
        [(None, person_id, *item) for item in sessions], holiday_intervals(first, last)
    )
    return sorted(conflicts, key=_order)


def _session_rows(session_ids: Iterable[int]) -> list[tuple]:
    return list(
        TrainingSession.objects.filter(pk__in=list(session_ids))
        .exclude(status=TrainingSession.Status.CANCELLED)
        .values_list("pk", "start", "end", "district_id", "district__time_zone")
    )


def clashes_for_prospective(*, person_id: int, session_id: int) -> list[Conflict]:
    """Return what a session the person is not (yet) enrolled in would clash with."""
    return _prospective(person_id, _session_rows([session_id]))


def clashing_session_ids(*, person_id: int, session_ids: Iterable[int]) -> set[int]:
    """Return which of ``session_ids`` clash with the person's schedule (catalogue cards)."""
    return {item.session_id for item in _prospective(person_id, _session_rows(session_ids))}
