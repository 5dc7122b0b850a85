"""Where a person with a clash can go: other open sessions of the same program.

Found for a whole batch of enrolments at once (a reminder batch) with five
queries, and matched by the conflict engine's pure core, so that the sessions
offered are exactly those :func:`~training.services.conflicts.clashes_for_prospective`
would find free.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from districts.models import ScheduleEntry

from ..models import Enrollment, Meeting, TrainingSession
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
    enrollments: list[Enrollment],
    *,
    now: datetime.datetime,
    related: tuple[str, ...] = ("district", "venue", "program"),
) -> dict[int, list[TrainingSession]]:
    """Return, per enrolment id, the sessions it could switch to without a clash.

    The sessions come with their ``related`` objects loaded (a reminder batch,
    which only says when each is, asks for the district alone).

    A session qualifies when it is another published, upcoming session of the
    same program with a free seat, the person is not already enrolled in it,
    and none of its meetings clashes with the person's schedule entries, the
    meetings of their other active enrolments (the one being switched away
    from does not count) or holidays.
    """
    result = {item.pk: [] for item in enrollments}
    if not enrollments:
        return result
    # The seats taken, counted per session through the index on the session (a
    # join and GROUP BY with the sessions read every enrolment of the table).
    seats = (
        Enrollment.objects.filter(session_id=OuterRef("pk"), status__in=Enrollment.SEAT_HOLDING)
        .order_by()
        .values("session_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    candidates = [
        item
        for item in TrainingSession.objects.filter(
            program_id__in={e.session.program_id for e in enrollments},
            status=TrainingSession.Status.PUBLISHED,
            start__gt=now,
        )
        .annotate(taken=Coalesce(Subquery(seats), 0))
        .select_related(*{"district", *related})
        .order_by("start", "pk")
        if item.taken < item.capacity
    ]
    if not candidates:
        return result
    # Plain tuples, grouped once: the loop below runs per enrolment of a whole batch.
    spans = defaultdict(list)
    for session, start, end in (
        Meeting.objects.filter(session_id__in=[c.pk for c in candidates])
        .order_by("start", "pk")
        .values_list("session_id", "start", "end")
    ):
        spans[session].append((start, end))
    by_program = defaultdict(list)
    for item in candidates:
        by_program[item.program_id].append(item)
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
                (None, 0, c.pk, start, end, c.district_id, c.district.time_zone)
                for c in candidates
                for start, end in spans[c.pk]
            ],
            holiday_intervals(first, last),
        )
    }
    for enrollment in enrollments:
        person = enrollment.civil_servant_id
        taken = {session for _pk, session, _s, _e in enrolled[person]}
        mine = [
            c
            for c in by_program[enrollment.session.program_id]
            if c.pk not in taken and c.pk not in on_holiday
        ]
        others = busy[person] + [
            (f"enrolment-{pk}", start, end)
            for pk, _session, start, end in enrolled[person]
            if pk != enrollment.pk
        ]
        clashing = {
            item.left_id
            for item in find_overlaps(
                [(c.pk, start, end) for c in mine for start, end in spans[c.pk]], others
            )
            if isinstance(item, Overlap)
        }
        result[enrollment.pk] = [c for c in mine if c.pk not in clashing]
    return result


def switch_options(enrollment: Enrollment, *, now: datetime.datetime) -> list[TrainingSession]:
    """Return the sessions one enrolment could switch to without a clash."""
    return switch_options_for([enrollment], now=now)[enrollment.pk]


def held_enrollments(enrollments: list[Enrollment], *, now: datetime.datetime) -> list[Enrollment]:
    """Return the people's active enrolments in upcoming sessions of the same programs."""
    if not enrollments:
        return []
    return list(
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


def held_elsewhere_for(
    enrollments: list[Enrollment],
    *,
    now: datetime.datetime,
    held: list[Enrollment] | None = None,
    open_conflicts: dict[int, list] | None = None,
) -> dict[int, list[TrainingSession]]:
    """Return, per enrolment id, the person's other upcoming sessions of the same program.

    Only those the person is actively enrolled in and that clash with nothing
    (a clash with the enrolment itself aside): a session already held is no
    switch option, but it is where the person can go by cancelling this one.
    A caller that already has them passes ``held`` (:func:`held_enrollments`)
    and the open conflicts of those enrolments by enrolment id (one conflict
    search for a whole reminder batch); otherwise they are looked up here.
    """
    result = {item.pk: [] for item in enrollments}
    if not enrollments:
        return result
    if held is None:
        held = held_enrollments(enrollments, now=now)
    if open_conflicts is None:
        open_conflicts = defaultdict(list)
        for item in conflicts_for_enrollments(enrollment_ids=[h.pk for h in held], now=now):
            if not item.resolved:
                open_conflicts[item.enrollment_id].append(item)
    mine = defaultdict(list)
    for other in held:
        mine[(other.civil_servant_id, other.session.program_id)].append(other)
    for enrollment in enrollments:
        result[enrollment.pk] = [
            other.session
            for other in mine[(enrollment.civil_servant_id, enrollment.session.program_id)]
            if other.pk != enrollment.pk
            and all(
                item.kind == ConflictKind.ENROLLMENT and item.other_id == enrollment.pk
                for item in open_conflicts.get(other.pk, [])
            )
        ]
    return result
