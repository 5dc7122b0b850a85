"""Sessions with several meetings: conflicts, venues and warnings are per meeting.

Every test here runs on SQLite and (with DATABASE_URL) on PostgreSQL: the same
assertions on both databases are the parity check of the set-based core.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from districts.models import Holiday
from tests.factories import (
    CivilServantFactory,
    EnrollmentFactory,
    ProgramFactory,
    ScheduleEntryFactory,
    SessionFactory,
    VenueFactory,
    at,
    next_working_day,
    session_day,
)
from training.models import CompletionRecord, Meeting
from training.services import conflicts, roster, scheduling
from training.services.scheduling import MeetingPlan
from training.services.selectors import jp_progress
from training.services.switching import switch_options
from training.services.warnings import Kind, session_warnings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_shipped_holidays")]


def three_days():
    first = session_day()
    second = next_working_day(first)
    third = next_working_day(second)
    return first, second, third


def bimtek(days=None, **kwargs):
    """A session meeting 08.00-12.00 on each of ``days`` (three working days by default)."""
    days = days or three_days()
    return SessionFactory(meetings=[(at(day, 8), at(day, 12)) for day in days], **kwargs)


def test_a_session_spans_its_meetings():
    first, _second, third = three_days()
    session = bimtek()

    assert session.meetings.count() == 3
    assert (session.start, session.end) == (at(first, 8), at(third, 12))


def test_a_duty_shift_on_day_two_is_a_clash_of_that_day_only():
    _first, second, _third = three_days()
    session = bimtek()
    enrollment = EnrollmentFactory(session=session)
    shift = ScheduleEntryFactory(
        civil_servant=enrollment.civil_servant, start=at(second, 7), end=at(second, 9)
    )
    day_two = session.meetings.all()[1]

    found = conflicts.conflicts_for_session(session_id=session.pk)

    assert [(c.other_id, c.meeting_id) for c in found] == [(shift.pk, day_two.pk)]
    assert (found[0].session_start, found[0].session_end) == (at(second, 8), at(second, 12))
    assert (
        conflicts.conflicts_for_person(
            person_id=enrollment.civil_servant_id,
            now=at(session_day(), 0) - datetime.timedelta(days=1),
        )
        == found
    )


def test_a_shift_between_meetings_is_no_clash():
    first, _second, third = three_days()
    session = bimtek(days=[first, third])
    enrollment = EnrollmentFactory(session=session)
    ScheduleEntryFactory(
        civil_servant=enrollment.civil_servant, start=at(first, 13), end=at(third, 7)
    )

    assert conflicts.conflicts_for_session(session_id=session.pk) == []
    assert not conflicts.clashing_session_ids(
        person_id=CivilServantFactory().pk, session_ids=[session.pk]
    )


def test_two_multi_day_sessions_clash_only_where_their_meetings_meet():
    first, second, third = three_days()
    person = CivilServantFactory()
    a = bimtek(days=[first, third])
    b = SessionFactory(meetings=[(at(second, 8), at(second, 12)), (at(third, 11), at(third, 14))])
    EnrollmentFactory(session=a, civil_servant=person)
    EnrollmentFactory(session=b, civil_servant=person)

    found = conflicts.conflicts_for_session(session_id=a.pk)

    assert len(found) == 1
    assert found[0].kind == conflicts.ConflictKind.ENROLLMENT
    assert found[0].meeting_id == a.meetings.last().pk
    assert (found[0].other_start, found[0].other_end) == (at(third, 11), at(third, 14))


def test_a_prospective_session_clashes_through_its_last_meeting_only():
    _first, _second, third = three_days()
    person = CivilServantFactory()
    session = bimtek()
    ScheduleEntryFactory(civil_servant=person, start=at(third, 11), end=at(third, 13))

    found = conflicts.clashes_for_prospective(person_id=person.pk, session_id=session.pk)

    assert [c.meeting_id for c in found] == [session.meetings.last().pk]
    assert conflicts.clashing_session_ids(person_id=person.pk, session_ids=[session.pk]) == {
        session.pk
    }


def test_a_regional_holiday_on_day_two_is_a_clash_of_day_two():
    _first, second, _third = three_days()
    session = bimtek()
    EnrollmentFactory(session=session)
    Holiday.objects.create(
        date=second, name="Libur Uji", kind="regional", district=session.district
    )

    found = conflicts.conflicts_for_session(session_id=session.pk)

    assert [(c.kind, c.meeting_id) for c in found] == [
        (conflicts.ConflictKind.HOLIDAY, session.meetings.all()[1].pk)
    ]


def test_the_switch_offer_checks_every_meeting_of_the_candidate():
    first, second, third = three_days()
    current = SessionFactory(start=at(first, 13), end=at(first, 15))
    enrollment = EnrollmentFactory(session=current)
    same = {"program": current.program, "district": current.district}
    free = bimtek(days=[first, second], **same)
    busy_day_three = bimtek(**same)
    ScheduleEntryFactory(
        civil_servant=enrollment.civil_servant, start=at(third, 9), end=at(third, 10)
    )

    offered = switch_options(enrollment, now=at(first, 0) - datetime.timedelta(days=1))

    assert free in offered
    assert busy_day_three not in offered


# --- venues and warnings per meeting -------------------------------------------------


def plans(days, venue, third_venue=None):
    return [
        MeetingPlan(
            start=at(day, 8),
            end=at(day, 12),
            venue=third_venue if third_venue and number == 2 else venue,
        )
        for number, day in enumerate(days)
    ]


def test_schedule_session_makes_one_session_with_its_meetings(officer):
    days = three_days()
    program = ProgramFactory(district=officer.district)
    hall = VenueFactory(district=officer.district)
    lab = VenueFactory(district=officer.district)

    session = scheduling.schedule_session(
        program=program, meetings=plans(days, hall, lab), capacity=25, actor=officer.user
    )

    meetings = list(session.meetings.all())
    assert [m.venue for m in meetings] == [hall, hall, lab]
    assert (session.start, session.end) == (at(days[0], 8), at(days[2], 12))
    assert session.venue == hall


def test_a_venue_booked_on_day_three_only_is_refused_per_meeting(officer):
    days = three_days()
    program = ProgramFactory(district=officer.district)
    hall = VenueFactory(district=officer.district)
    lab = VenueFactory(district=officer.district)
    SessionFactory(district=officer.district, venue=lab, start=at(days[2], 10), end=at(days[2], 11))

    with pytest.raises(ValidationError) as error:
        scheduling.schedule_session(
            program=program, meetings=plans(days, hall, lab), capacity=25, actor=officer.user
        )

    assert "venue" in error.value.message_dict
    assert not Meeting.objects.filter(venue=hall).exists()


def test_a_venue_is_free_between_the_meetings_of_a_multi_day_session(officer):
    first, second, third = three_days()
    program = ProgramFactory(district=officer.district)
    hall = VenueFactory(district=officer.district)
    scheduling.schedule_session(
        program=program, meetings=plans([first, third], hall), capacity=25, actor=officer.user
    )

    other = scheduling.schedule_session(
        program=program, meetings=plans([second], hall), capacity=25, actor=officer.user
    )

    assert other.meetings.get().venue == hall


def test_meetings_of_one_session_may_not_overlap(officer):
    first, _second, _third = three_days()
    program = ProgramFactory(district=officer.district)
    twice = [MeetingPlan(start=at(first, 8), end=at(first, 12))] * 2

    with pytest.raises(ValidationError):
        scheduling.schedule_session(program=program, meetings=twice, capacity=5, actor=officer.user)


@pytest.mark.postgres_only
def test_the_venue_exclusion_constraint_is_per_meeting_on_postgresql():
    first, second, third = three_days()
    session = bimtek(days=[first, third])

    with pytest.raises(IntegrityError, match="meeting_venue_no_overlap"), transaction.atomic():
        Meeting.objects.create(
            session=SessionFactory(), venue=session.venue, start=at(third, 11), end=at(third, 13)
        )
    between = Meeting.objects.create(
        session=SessionFactory(), venue=session.venue, start=at(second, 8), end=at(second, 12)
    )
    assert between.pk


def test_holiday_and_working_hours_warnings_are_per_meeting(officer):
    first, second, third = three_days()
    Holiday.objects.create(
        date=second, name="Libur Uji", kind="regional", district=officer.district
    )
    intervals = [(at(first, 8), at(first, 12)), (at(second, 8), at(second, 12))]
    intervals.append((at(third, 15), at(third, 18)))

    found = session_warnings(district=officer.district, intervals=intervals)

    assert [(w.kind, w.start) for w in found] == [
        (Kind.HOLIDAY, at(second, 8)),
        (Kind.WORKING_HOURS, at(third, 15)),
    ]


def test_a_three_meeting_session_credits_its_jp_once(officer, pinned_clock):
    session = bimtek(district=officer.district)
    enrollment = EnrollmentFactory(session=session, status="attended")
    pinned_clock.move_to(session.end + datetime.timedelta(hours=1))
    jp = session.program.jp_credited

    roster.record_completion(
        session=session,
        results={enrollment.pk: {"score": 90, "passed": True, "jp_credited": jp}},
        actor=officer.user,
        now=session.end + datetime.timedelta(hours=1),
    )

    assert CompletionRecord.objects.filter(civil_servant=enrollment.civil_servant).count() == 1
    year = session.end.year
    assert jp_progress(enrollment.civil_servant, year)["earned"] == jp


# --- the oracle: a session clashes where one of its meetings does -------------------

MEETINGS = st.lists(st.tuples(st.integers(0, 5 * 24), st.integers(1, 10)), min_size=1, max_size=3)
ENTRIES = st.lists(st.tuples(st.integers(0, 5 * 24), st.integers(1, 12)), max_size=4)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(MEETINGS, MEETINGS, ENTRIES)
def test_conflicts_per_meeting_match_a_brute_force_oracle(mine, theirs, entries):
    """Hours from a base instant: meetings of two sessions and schedule entries of one person."""
    base = at(session_day(), 0)

    def interval(start, length):
        return (
            base + datetime.timedelta(hours=start),
            base + datetime.timedelta(hours=start + length),
        )

    def disjoint(items):
        result = []
        for start, length in sorted(items):
            if not result or start >= result[-1][0] + result[-1][1]:
                result.append((start, length))
        return result

    mine, theirs, entries = disjoint(mine), disjoint(theirs), sorted(set(entries))
    with transaction.atomic():
        person = CivilServantFactory()
        a = SessionFactory(venue=None, meetings=[interval(*m) for m in mine])
        b = SessionFactory(venue=None, district=a.district, meetings=[interval(*m) for m in theirs])
        EnrollmentFactory(session=a, civil_servant=person)
        EnrollmentFactory(session=b, civil_servant=person)
        for start, length in entries:
            ScheduleEntryFactory(
                civil_servant=person,
                start=interval(start, length)[0],
                end=interval(start, length)[1],
            )

        found = {
            (c.kind, c.session_start, c.other_start)
            for c in conflicts.conflicts_for_session(session_id=a.pk)
            if c.kind != conflicts.ConflictKind.HOLIDAY
        }

        expected = set()
        for m_start, m_len in mine:
            hours = set(range(m_start, m_start + m_len))
            for e_start, e_len in entries:
                if hours & set(range(e_start, e_start + e_len)):
                    expected.add(
                        ("duty_shift", interval(m_start, m_len)[0], interval(e_start, e_len)[0])
                    )
            for t_start, t_len in theirs:
                if hours & set(range(t_start, t_start + t_len)):
                    expected.add(
                        ("enrollment", interval(m_start, m_len)[0], interval(t_start, t_len)[0])
                    )
        assert found == expected
        transaction.set_rollback(True)


# --- the HR form: one session, its meetings in a formset -----------------------------


def formset_rows(rows):
    data = {
        "meetings-TOTAL_FORMS": str(len(rows)),
        "meetings-INITIAL_FORMS": "0",
        "meetings-MIN_NUM_FORMS": "0",
        "meetings-MAX_NUM_FORMS": "30",
    }
    for number, row in enumerate(rows):
        data.update({f"meetings-{number}-{name}": value for name, value in row.items()})
    return data


def test_hr_schedules_a_three_day_bimtek_with_another_venue_on_day_three(hr_client, officer):
    from django.urls import reverse

    from tests.training.hr_helpers import session_form
    from training.models import TrainingSession

    first, second, third = three_days()
    program = ProgramFactory(district=officer.district)
    hall = VenueFactory(district=officer.district)
    lab = VenueFactory(district=officer.district)
    rows = [
        {"date": second.isoformat(), "start_time": "08:00", "end_time": "12:00", "venue": hall.pk},
        {"date": third.isoformat(), "start_time": "08:00", "end_time": "15:00", "venue": lab.pk},
    ]
    data = {**session_form(program, hall, date=first.isoformat()), **formset_rows(rows)}
    closes = first - datetime.timedelta(days=3)
    data["enrollment_closes_at"] = f"{closes.isoformat()}T16:00"

    response = hr_client.post(reverse("training:hr-session-create"), data)

    assert response.status_code == 302, response.content.decode()[-3000:]
    session = TrainingSession.objects.get()
    meetings = list(session.meetings.all())
    assert [(m.start, m.end, m.venue) for m in meetings] == [
        (at(first, 8), at(first, 12), hall),
        (at(second, 8), at(second, 12), hall),
        (at(third, 8), at(third, 15), lab),
    ]

    edit = hr_client.get(reverse("training:hr-session-edit", args=[session.pk]))
    assert edit.status_code == 200
    assert "Pertemuan lainnya" in edit.content.decode()
