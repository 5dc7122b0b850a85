"""The conflict engine on the database: kinds, fingerprints, entry points."""

import datetime

import pytest

from districts.models import ScheduleEntry
from tests.factories import (
    CivilServantFactory,
    EnrollmentFactory,
    HolidayFactory,
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
    conflicts_for_person,
    conflicts_for_session,
    conflicts_in_window,
)

# Fixed dates (7 December 2026 and around it): the clock is pinned a week before.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]
NOW = local(2026, 12, 1, 8)


def session_at(day, hour, hours=4, **kwargs):
    return SessionFactory(
        start=local(2026, 12, day, hour), end=local(2026, 12, day, hour + hours), **kwargs
    )


def test_conflicts_for_person_duty_shift_overlap_found():
    enrollment = EnrollmentFactory(session=session_at(7, 8))
    entry = ScheduleEntryFactory(
        civil_servant=enrollment.civil_servant,
        start=local(2026, 12, 7, 7),
        end=local(2026, 12, 7, 9),
        note="Loket",
    )

    [conflict] = conflicts_for_person(person_id=enrollment.civil_servant_id, now=NOW)

    assert (conflict.kind, conflict.enrollment_id, conflict.other_id) == (
        ConflictKind.DUTY_SHIFT,
        enrollment.pk,
        entry.pk,
    )
    assert (conflict.other_start, conflict.other_end) == (entry.start, entry.end)
    assert conflict.label == "Shift dinas: Loket"
    assert conflict.resolved is False


def test_conflicts_for_person_back_to_back_is_no_conflict():
    enrollment = EnrollmentFactory(session=session_at(7, 8))
    ScheduleEntryFactory(
        civil_servant=enrollment.civil_servant,
        start=local(2026, 12, 7, 12),
        end=local(2026, 12, 7, 16),
    )

    assert conflicts_for_person(person_id=enrollment.civil_servant_id, now=NOW) == []


@pytest.mark.parametrize("status", ["rejected", "cancelled", "completed"])
def test_conflicts_for_person_inactive_enrolment_ignored(status):
    enrollment = EnrollmentFactory(session=session_at(7, 8), status=status)
    ScheduleEntryFactory(civil_servant=enrollment.civil_servant)

    assert conflicts_for_person(person_id=enrollment.civil_servant_id, now=NOW) == []


def test_conflicts_for_session_cancelled_session_never_conflicts():
    session = session_at(7, 8, status=TrainingSession.Status.CANCELLED)
    enrollment = EnrollmentFactory(session=session)
    ScheduleEntryFactory(civil_servant=enrollment.civil_servant)

    assert conflicts_for_session(session_id=session.pk) == []


def test_conflicts_for_person_two_enrolments_clash_both_ways():
    person = CivilServantFactory()
    first = EnrollmentFactory(civil_servant=person, session=session_at(7, 8))
    second = EnrollmentFactory(
        civil_servant=person,
        session=session_at(7, 10),
        status=Enrollment.Status.WAITLISTED,
        waitlisted_at=NOW,
    )

    conflicts = conflicts_for_person(person_id=person.pk, now=NOW)

    assert [(c.kind, c.enrollment_id, c.other_id, c.other_session_id) for c in conflicts] == [
        (ConflictKind.ENROLLMENT, first.pk, second.pk, second.session_id),
        (ConflictKind.ENROLLMENT, second.pk, first.pk, first.session_id),
    ]
    assert conflicts[0].fingerprint == conflicts[1].fingerprint


def test_conflicts_in_window_regional_holiday_only_in_its_district():
    here = EnrollmentFactory(session=session_at(7, 8))
    elsewhere = EnrollmentFactory(session=session_at(7, 8, district=district("plaju")))
    holiday = HolidayFactory(
        date=datetime.date(2026, 12, 7), kind="regional", district=district(), name="Hari Jadi"
    )

    conflicts = conflicts_in_window(start=NOW, end=local(2026, 12, 15))

    assert [(c.kind, c.enrollment_id, c.other_id, c.other_label) for c in conflicts] == [
        (ConflictKind.HOLIDAY, here.pk, holiday.pk, "Hari Jadi")
    ]
    assert elsewhere.pk not in {c.enrollment_id for c in conflicts}


def test_conflicts_in_window_national_holiday_in_district_zone():
    plaju = district("plaju")
    plaju.time_zone = "Asia/Jayapura"
    plaju.save()
    # 23.00-23.30 WIB on the 9th is 01.00 WIT on the 10th: a holiday in Plaju's zone.
    late = SessionFactory(
        district=plaju, start=local(2026, 12, 9, 23), end=local(2026, 12, 9, 23, 30)
    )
    enrollment = EnrollmentFactory(session=late)
    same_time_wib = EnrollmentFactory(
        session=SessionFactory(start=local(2026, 12, 9, 23), end=local(2026, 12, 9, 23, 30))
    )
    HolidayFactory(date=datetime.date(2026, 12, 10), name="Libur Uji")

    conflicts = conflicts_in_window(start=NOW, end=local(2026, 12, 31))

    assert [c.enrollment_id for c in conflicts] == [enrollment.pk]
    assert same_time_wib.pk not in [c.enrollment_id for c in conflicts]


def test_conflict_fingerprint_changes_when_shift_moves():
    enrollment = EnrollmentFactory(session=session_at(7, 8))
    entry = ScheduleEntryFactory(civil_servant=enrollment.civil_servant)
    [before] = conflicts_for_session(session_id=enrollment.session_id)

    entry.start += datetime.timedelta(minutes=30)
    entry.save()
    [after] = conflicts_for_session(session_id=enrollment.session_id)

    assert before.fingerprint != after.fingerprint
    assert len(before.fingerprint) == 64


def test_conflicts_for_person_resolved_reported_as_resolved():
    enrollment = EnrollmentFactory(session=session_at(7, 8))
    ScheduleEntryFactory(civil_servant=enrollment.civil_servant)
    [conflict] = conflicts_for_person(person_id=enrollment.civil_servant_id, now=NOW)
    ConflictResolution.objects.create(
        enrollment=enrollment, fingerprint=conflict.fingerprint, note="Diganti rekan"
    )

    [after] = conflicts_for_person(person_id=enrollment.civil_servant_id, now=NOW)

    assert (after.fingerprint, after.resolved) == (conflict.fingerprint, True)


def test_conflicts_for_person_past_sessions_ignored():
    enrollment = EnrollmentFactory(session=session_at(7, 8))
    ScheduleEntryFactory(civil_servant=enrollment.civil_servant)

    assert conflicts_for_person(person_id=enrollment.civil_servant_id, now=local(2026, 12, 8)) == []


def test_conflicts_in_window_only_sessions_in_window():
    inside = EnrollmentFactory(session=session_at(7, 8))
    outside = EnrollmentFactory(session=session_at(20, 8))
    ScheduleEntryFactory(civil_servant=inside.civil_servant)
    ScheduleEntryFactory(
        civil_servant=outside.civil_servant,
        start=local(2026, 12, 20, 7),
        end=local(2026, 12, 20, 9),
    )

    conflicts = conflicts_in_window(start=NOW, end=local(2026, 12, 15))

    assert [c.enrollment_id for c in conflicts] == [inside.pk]


def test_clashes_for_prospective_lists_entries_enrolments_and_holidays():
    person = CivilServantFactory()
    session = session_at(10, 8)
    leave = ScheduleEntryFactory(
        civil_servant=person,
        kind=ScheduleEntry.Kind.LEAVE,
        leave_type="tahunan",
        start=local(2026, 12, 9),
        end=local(2026, 12, 12),
    )
    other = EnrollmentFactory(civil_servant=person, session=session_at(10, 11))
    holiday = HolidayFactory(date=datetime.date(2026, 12, 10), name="Libur Uji")

    clashes = clashes_for_prospective(person_id=person.pk, session_id=session.pk)

    assert sorted((c.kind, c.other_id) for c in clashes) == sorted(
        [
            (ConflictKind.LEAVE, leave.pk),
            (ConflictKind.ENROLLMENT, other.pk),
            (ConflictKind.HOLIDAY, holiday.pk),
        ]
    )
    assert {c.enrollment_id for c in clashes} == {None}


def test_clashing_session_ids_returns_only_clashing():
    person = CivilServantFactory()
    clashing = session_at(7, 8)
    free = session_at(7, 14)
    cancelled = session_at(7, 8, status=TrainingSession.Status.CANCELLED)
    ScheduleEntryFactory(
        civil_servant=person, start=local(2026, 12, 7, 7), end=local(2026, 12, 7, 14)
    )

    result = clashing_session_ids(
        person_id=person.pk, session_ids=[clashing.pk, free.pk, cancelled.pk]
    )

    assert result == {clashing.pk}


def test_clashing_session_ids_query_count_independent_of_sessions(django_assert_max_num_queries):
    person = CivilServantFactory()
    sessions = [session_at(day, 8) for day in range(2, 12)]
    ScheduleEntryFactory(civil_servant=person)

    with django_assert_max_num_queries(5):
        result = clashing_session_ids(person_id=person.pk, session_ids=[s.pk for s in sessions])

    assert result == {sessions[5].pk}


def test_switch_options_exclude_full_enrolled_clashing_and_holiday_sessions():
    from training.services.switching import switch_options, switch_options_for

    enrollment = EnrollmentFactory(session=session_at(7, 8))
    person, program = enrollment.civil_servant, enrollment.session.program
    same = {"program": program, "district": enrollment.session.district}
    free = session_at(8, 8, **same)
    full = session_at(9, 8, capacity=1, **same)
    EnrollmentFactory(session=full)
    already = session_at(11, 8, **same)
    EnrollmentFactory(session=already, civil_servant=person, status="waitlisted", waitlisted_at=NOW)
    clashing = session_at(14, 8, **same)
    ScheduleEntryFactory(
        civil_servant=person, start=local(2026, 12, 14, 9), end=local(2026, 12, 14, 10)
    )
    holiday = session_at(10, 8, **same)
    HolidayFactory(date=datetime.date(2026, 12, 10), name="Libur Uji")
    session_at(15, 8)  # another program

    options = switch_options(enrollment, now=NOW)

    assert [item.pk for item in options] == [free.pk]
    assert {k: [s.pk for s in v] for k, v in switch_options_for([enrollment], now=NOW).items()} == {
        enrollment.pk: [free.pk]
    }
    assert {clashing.pk, holiday.pk, full.pk, already.pk}.isdisjoint({s.pk for s in options})


@pytest.mark.parametrize("people", [1, 6])
def test_switch_options_for_a_batch_take_the_same_queries_whatever_its_size(
    people, django_assert_num_queries
):
    from training.models import Enrollment
    from training.services.switching import switch_options_for

    first = EnrollmentFactory(session=session_at(7, 8))
    same = {"program": first.session.program, "district": first.session.district}
    session_at(8, 8, **same)
    for _ in range(people - 1):
        EnrollmentFactory(session=first.session)
    enrollments = list(Enrollment.objects.filter(session=first.session).select_related("session"))
    assert len(enrollments) == people

    with django_assert_num_queries(5):
        options = switch_options_for(enrollments, now=NOW)

    assert len(options) == people
    assert all(len(sessions) == 1 for sessions in options.values())
