"""The set-based queries against a brute force over all rows, on a shared fixture.

The same fixture and the same assertions run on SQLite and on PostgreSQL, so
both databases give the answers of the pure rule.
"""

import datetime
import random

import pytest

from districts.models import Holiday, ScheduleEntry
from tests.factories import (
    CivilServantFactory,
    EnrollmentFactory,
    ScheduleEntryFactory,
    SessionFactory,
    district,
    local,
)
from training.models import ConflictResolution, Enrollment, TrainingSession
from training.services.conflicts import (
    ConflictKind,
    clashes_for_prospective,
    clashing_session_ids,
    conflicts_for_enrollments,
    conflicts_for_person,
    conflicts_for_session,
    conflicts_in_window,
    holiday_intervals,
)

pytestmark = pytest.mark.django_db
NOW = local(2026, 12, 1)
END = local(2026, 12, 31)


@pytest.fixture
def shared_fixture():
    """Twelve people, 24 sessions over four days in two zones, entries on the edges."""
    rng = random.Random(20261207)
    wita = district("plaju")
    wita.time_zone = "Asia/Makassar"
    wita.save()
    places = [district(), wita]
    sessions = []
    for day in (7, 8, 9, 10):
        for hour in (7, 10, 13, 22):
            for place in places[: 1 + (hour % 2)]:
                sessions.append(
                    SessionFactory(
                        district=place,
                        start=local(2026, 12, day, hour),
                        end=local(2026, 12, day, hour) + datetime.timedelta(hours=3),
                        status="cancelled" if rng.random() < 0.1 else "published",
                    )
                )
    people = [CivilServantFactory(district=rng.choice(places)) for _ in range(12)]
    for person in people:
        for session in rng.sample(sessions, 3):
            EnrollmentFactory(
                civil_servant=person,
                session=session,
                status=rng.choice(["approved", "approved", "requested", "cancelled"]),
            )
        for _ in range(4):
            base = rng.choice(sessions)
            # Starts and ends on the session's edges or an hour off them.
            start = base.start + datetime.timedelta(hours=rng.choice([-4, -3, -1, 0, 1, 3]))
            length = datetime.timedelta(hours=rng.choice([1, 3, 4, 9]))
            ScheduleEntryFactory(civil_servant=person, start=start, end=start + length)
    Holiday.objects.create(
        date=datetime.date(2026, 12, 9), name="Libur Uji", kind="regional", district=wita
    )
    return people, sessions


def brute_force() -> set:
    """Every conflict by looping over all rows with the half-open rule."""
    found = set()
    active = [
        e
        for e in Enrollment.objects.select_related("session__district")
        if e.status in Enrollment.ACTIVE
        and e.session.status != TrainingSession.Status.CANCELLED
        and e.session.start < END
        and e.session.end > NOW
    ]
    every_active = [
        e
        for e in Enrollment.objects.select_related("session")
        if e.status in Enrollment.ACTIVE and e.session.status != TrainingSession.Status.CANCELLED
    ]
    for e in active:
        s = e.session
        for entry in ScheduleEntry.objects.filter(civil_servant=e.civil_servant):
            if max(s.start, entry.start) < min(s.end, entry.end):
                found.add((e.pk, entry.kind, entry.pk))
        for other in every_active:
            same_person = other.civil_servant_id == e.civil_servant_id and other.pk != e.pk
            if same_person and max(s.start, other.session.start) < min(s.end, other.session.end):
                found.add((e.pk, ConflictKind.ENROLLMENT, other.pk))
        for holiday, district_id, zone, h_start, h_end in holiday_intervals(
            datetime.date(2026, 11, 1), datetime.date(2027, 1, 31)
        ):
            applies = (district_id is None and zone == s.district.time_zone) or (
                district_id == s.district_id
            )
            if applies and max(s.start, h_start) < min(s.end, h_end):
                found.add((e.pk, ConflictKind.HOLIDAY, holiday.pk))
    return found


def keys(conflicts) -> set:
    return {(c.enrollment_id, c.kind, c.other_id) for c in conflicts}


def test_conflicts_in_window_equals_brute_force(shared_fixture):
    expected = brute_force()

    found = conflicts_in_window(start=NOW, end=END)

    assert keys(found) == expected
    assert len(found) == len(expected)
    assert len(expected) > 10


def test_person_and_session_entry_points_agree_with_window(shared_fixture):
    people, sessions = shared_fixture
    window = conflicts_in_window(start=NOW, end=END)

    by_person = [c for p in people for c in conflicts_for_person(person_id=p.pk, now=NOW)]
    by_session = [c for s in sessions for c in conflicts_for_session(session_id=s.pk)]

    assert sorted(by_person, key=repr) == sorted(window, key=repr)
    assert sorted(by_session, key=repr) == sorted(window, key=repr)


def test_clashing_session_ids_matches_prospective_brute_force(shared_fixture):
    people, sessions = shared_fixture
    for person in people:
        mine = set(
            Enrollment.objects.filter(
                civil_servant=person, status__in=Enrollment.ACTIVE
            ).values_list("session_id", flat=True)
        )
        others = [s for s in sessions if s.pk not in mine]
        expected = set()
        busy = list(ScheduleEntry.objects.filter(civil_servant=person).values_list("start", "end"))
        busy += list(
            Enrollment.objects.filter(civil_servant=person, status__in=Enrollment.ACTIVE)
            .exclude(session__status="cancelled")
            .values_list("session__start", "session__end")
        )
        for s in others:
            if s.status == "cancelled":
                continue
            on_holiday = s.district.slug == "plaju" and any(
                max(s.start, h_start) < min(s.end, h_end)
                for _h, d, _z, h_start, h_end in holiday_intervals(
                    datetime.date(2026, 12, 1), datetime.date(2026, 12, 31)
                )
                if d == s.district_id
            )
            if on_holiday or any(max(s.start, a) < min(s.end, b) for a, b in busy):
                expected.add(s.pk)

        result = clashing_session_ids(person_id=person.pk, session_ids=[s.pk for s in others])

        assert result == expected, person


def _as_prospective(conflict) -> tuple:
    """Return what a prospective check of the same session must answer for ``conflict``.

    A prospective session has no enrolment yet: the enrolment id is empty, a
    clash with another enrolment is fingerprinted with the session's name, and
    nothing is resolved; everything else is the same conflict.
    """
    same_fingerprint = conflict.kind != ConflictKind.ENROLLMENT
    return (
        conflict.person_id,
        conflict.session_id,
        conflict.kind,
        conflict.other_id,
        conflict.other_start,
        conflict.other_end,
        conflict.other_label,
        conflict.other_session_id,
        conflict.fingerprint if same_fingerprint else None,
    )


def test_prospective_entry_points_agree_with_window(shared_fixture):
    people, _sessions = shared_fixture
    window = conflicts_in_window(start=NOW, end=END)

    for person in people:
        enrolled = list(
            Enrollment.objects.filter(civil_servant=person, status__in=Enrollment.ACTIVE)
            .exclude(session__status="cancelled")
            .values_list("session_id", flat=True)
        )
        mine = [c for c in window if c.person_id == person.pk]
        prospective = [
            c
            for session_id in enrolled
            for c in clashes_for_prospective(person_id=person.pk, session_id=session_id)
        ]

        assert sorted(map(_as_prospective, prospective)) == sorted(map(_as_prospective, mine))
        assert {c.enrollment_id for c in prospective} <= {None}
        assert clashing_session_ids(person_id=person.pk, session_ids=enrolled) == {
            c.session_id for c in mine
        }


def test_enrolment_batch_entry_point_agrees_with_window(shared_fixture):
    window = conflicts_in_window(start=NOW, end=END)

    batch = conflicts_for_enrollments(
        enrollment_ids=Enrollment.objects.values_list("pk", flat=True), now=NOW
    )

    assert batch == window


def test_entry_points_agree_on_resolved_conflicts(shared_fixture):
    people, sessions = shared_fixture
    before = conflicts_in_window(start=NOW, end=END)
    # A holiday clash of a session two people are in: both have the same fingerprint.
    chosen = next(
        c
        for c in before
        if c.kind == ConflictKind.HOLIDAY
        and len({o.person_id for o in before if o.fingerprint == c.fingerprint}) > 1
    )
    ConflictResolution.objects.create(
        enrollment_id=chosen.enrollment_id, fingerprint=chosen.fingerprint, note="Sudah diatur"
    )

    window = conflicts_in_window(start=NOW, end=END)
    by_person = [c for p in people for c in conflicts_for_person(person_id=p.pk, now=NOW)]
    by_session = [c for s in sessions for c in conflicts_for_session(session_id=s.pk)]

    # Resolved for that person only, not for the other one on the same holiday.
    assert [(c.enrollment_id, c.resolved) for c in window if c.resolved] == [
        (chosen.enrollment_id, True)
    ]
    assert sorted(by_person, key=repr) == sorted(window, key=repr)
    assert sorted(by_session, key=repr) == sorted(window, key=repr)
