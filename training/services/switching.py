"""Where a person with a clash can go: other open sessions of the same program.

Found for a whole batch of enrolments at once (a reminder batch) with five
queries, and matched by the conflict engine's pure core, so that the sessions
offered are exactly those :func:`~training.services.conflicts.clashes_for_prospective`
would find free.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, Q

from districts.models import ScheduleEntry

from ..models import Enrollment, TrainingSession
from .conflicts import (
    ConflictKind,
    Overlap,
    conflicts_for_enrollments,
    days_around,
    find_overlaps,
    holiday_intervals,
    match_holidays,
)


def switch_options_for(
    enrollments: list[Enrollment], *, now: datetime.datetime
) -> dict[int, list[TrainingSession]]:
    """Return, per enrolment id, the sessions it could switch to without a clash.

    A session qualifies when it is another published, upcoming session of the
    same program with a free seat, the person is not already enrolled in it,
    and none of its meetings clashes with the person's schedule entries, the
    meetings of their other active enrolments (the one being switched away
    from does not count) or holidays.
    """
    result = {item.pk: [] for item in enrollments}
    if not enrollments:
        return result
    seats = Count("enrollments", filter=Q(enrollments__status__in=Enrollment.SEAT_HOLDING))
    candidates = [
        item
        for item in TrainingSession.objects.filter(
            program_id__in={e.session.program_id for e in enrollments},
            status=TrainingSession.Status.PUBLISHED,
            start__gt=now,
        )
        .annotate(taken=seats)
        .select_related("district", "venue", "program")
        .prefetch_related("meetings")
        .order_by("start", "pk")
        if item.taken < item.capacity
    ]
    if not candidates:
        return result
    low = min(item.start for item in candidates)
    high = max(item.end for item in candidates)
    people = {item.civil_servant_id for item in enrollments}
    busy = defaultdict(list)
    for person, pk, start, end in ScheduleEntry.objects.filter(
        civil_servant_id__in=people, start__lt=high, end__gt=low
    ).values_list("civil_servant_id", "pk", "start", "end"):
        busy[person].append((f"entry-{pk}", start, end))
    enrolled = defaultdict(list)
    for person, pk, session, start, end in (
        Enrollment.objects.filter(civil_servant_id__in=people, status__in=Enrollment.ACTIVE)
        .exclude(session__status=TrainingSession.Status.CANCELLED)
        .filter(session__end__gt=now)
        .values_list(
            "civil_servant_id",
            "pk",
            "session_id",
            "session__meetings__start",
            "session__meetings__end",
        )
    ):
        enrolled[person].append((pk, session, start, end))
    first, last = days_around(low, high)
    on_holiday = {
        item.session_id
        for item in match_holidays(
            [
                (None, 0, c.pk, m.start, m.end, c.district_id, c.district.time_zone)
                for c in candidates
                for m in c.meetings.all()
            ],
            holiday_intervals(first, last),
        )
    }
    for enrollment in enrollments:
        person = enrollment.civil_servant_id
        taken = {session for _pk, session, _s, _e in enrolled[person]}
        mine = [
            c
            for c in candidates
            if c.program_id == enrollment.session.program_id
            and c.pk not in taken
            and c.pk not in on_holiday
        ]
        others = busy[person] + [
            (f"enrolment-{pk}", start, end)
            for pk, _session, start, end in enrolled[person]
            if pk != enrollment.pk
        ]
        clashing = {
            item.left_id
            for item in find_overlaps(
                [(c.pk, m.start, m.end) for c in mine for m in c.meetings.all()], others
            )
            if isinstance(item, Overlap)
        }
        result[enrollment.pk] = [c for c in mine if c.pk not in clashing]
    return result


def switch_options(enrollment: Enrollment, *, now: datetime.datetime) -> list[TrainingSession]:
    """Return the sessions one enrolment could switch to without a clash."""
    return switch_options_for([enrollment], now=now)[enrollment.pk]


def held_elsewhere_for(
    enrollments: list[Enrollment], *, now: datetime.datetime
) -> dict[int, list[TrainingSession]]:
    """Return, per enrolment id, the person's other upcoming sessions of the same program.

    Only those the person is actively enrolled in and that clash with nothing
    (a clash with the enrolment itself aside): a session already held is no
    switch option, but it is where the person can go by cancelling this one.
    """
    result = {item.pk: [] for item in enrollments}
    if not enrollments:
        return result
    held = list(
        Enrollment.objects.filter(
            civil_servant_id__in={item.civil_servant_id for item in enrollments},
            status__in=Enrollment.ACTIVE,
            session__program_id__in={item.session.program_id for item in enrollments},
            session__start__gt=now,
        )
        .exclude(session__status=TrainingSession.Status.CANCELLED)
        .select_related("session__district")
        .order_by("session__start", "pk")
    )
    clashes = defaultdict(list)
    for item in conflicts_for_enrollments(enrollment_ids=[h.pk for h in held], now=now):
        if not item.resolved:
            clashes[item.enrollment_id].append(item)
    for enrollment in enrollments:
        result[enrollment.pk] = [
            other.session
            for other in held
            if other.pk != enrollment.pk
            and other.civil_servant_id == enrollment.civil_servant_id
            and other.session.program_id == enrollment.session.program_id
            and all(
                item.kind == ConflictKind.ENROLLMENT and item.other_id == enrollment.pk
                for item in clashes[other.pk]
            )
        ]
    return result
