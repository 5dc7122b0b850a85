"""Warning rules for scheduling: venue, instructor, holiday, working hours (half-open)."""

import datetime

import pytest

from districts.models import Holiday
from tests.factories import (
    HolidayFactory,
    InstructorFactory,
    SessionFactory,
    VenueFactory,
    district,
    local,
)
from training.models import TrainingSession
from training.services.warnings import Kind, outside_working_hours, session_warnings

# The existing session runs Monday 7 December 2026, 08.00-12.00 WIB.
OVERLAP_CASES = {
    "exact": ((8, 0), (12, 0), True),
    "shared_start": ((8, 0), (10, 0), True),
    "shared_end": ((10, 0), (12, 0), True),
    "contained": ((9, 0), (11, 0), True),
    "containing": ((7, 30), (13, 0), True),
    "overlaps_start": ((7, 30), (9, 0), True),
    "overlaps_end": ((11, 0), (13, 0), True),
    "back_to_back_after": ((12, 0), (14, 0), False),
    "back_to_back_before": ((7, 30), (8, 0), False),
    "disjoint": ((13, 0), (15, 0), False),
}


def _interval(start, end):
    return local(2026, 12, 7, *start), local(2026, 12, 7, *end)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "clash"), OVERLAP_CASES.values(), ids=OVERLAP_CASES.keys()
)
def test_venue_warning_half_open(start, end, clash):
    existing = SessionFactory()

    found = session_warnings(
        district=existing.district, intervals=[_interval(start, end)], venue_id=existing.venue_id
    )

    assert [w.kind for w in found] == ([Kind.VENUE] if clash else [])
    assert all(w.blocking for w in found)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "clash"), OVERLAP_CASES.values(), ids=OVERLAP_CASES.keys()
)
def test_instructor_warning_half_open(start, end, clash):
    instructor = InstructorFactory()
    existing = SessionFactory(instructor=instructor)

    found = session_warnings(
        district=existing.district,
        intervals=[_interval(start, end)],
        venue_id=VenueFactory().pk,
        instructor_id=instructor.pk,
    )

    assert [w.kind for w in found] == ([Kind.INSTRUCTOR] if clash else [])
    assert not any(w.blocking for w in found)


@pytest.mark.django_db
def test_venue_warning_ignores_cancelled_and_the_session_itself():
    cancelled = SessionFactory(status=TrainingSession.Status.CANCELLED)
    own = SessionFactory(venue=cancelled.venue, start=local(2026, 12, 8, 8))

    found = session_warnings(
        district=own.district,
        intervals=[(own.start, own.end), (cancelled.start, cancelled.end)],
        venue_id=own.venue_id,
        exclude_ids=(own.pk,),
    )

    assert found == []


@pytest.mark.django_db
def test_holiday_warning_names_national_holiday_and_cuti_bersama():
    found = session_warnings(
        district=district(),
        intervals=[
            (local(2026, 12, 24, 8), local(2026, 12, 24, 12)),
            (local(2026, 12, 25, 8), local(2026, 12, 25, 12)),
        ],
    )

    holiday_messages = [w.message for w in found if w.kind == Kind.HOLIDAY]
    assert holiday_messages == [
        "Kamis, 24 Desember 2026 adalah hari libur: Cuti Bersama Hari Raya Natal (Cuti bersama).",
        "Jumat, 25 Desember 2026 adalah hari libur: Hari Raya Natal (Libur nasional).",
    ]


@pytest.mark.django_db
def test_holiday_warning_for_regional_holiday_only_in_its_district():
    HolidayFactory(
        date=datetime.date(2026, 12, 9), kind=Holiday.Kind.REGIONAL, district=district("plaju")
    )
    interval = (local(2026, 12, 9, 8), local(2026, 12, 9, 12))

    in_plaju = session_warnings(district=district("plaju"), intervals=[interval])
    in_mulyorejo = session_warnings(district=district("mulyorejo"), intervals=[interval])

    assert [w.kind for w in in_plaju] == [Kind.HOLIDAY]
    assert in_mulyorejo == []


WORKING_HOURS_CASES = {
    "monday_full_day": ((2026, 12, 7, 7, 30), (2026, 12, 7, 16, 0), False),
    "friday_morning": ((2026, 12, 11, 8, 0), (2026, 12, 11, 11, 0), False),
    "starts_before_0730": ((2026, 12, 7, 7, 0), (2026, 12, 7, 9, 0), True),
    "ends_after_1600": ((2026, 12, 7, 14, 0), (2026, 12, 7, 16, 30), True),
    "saturday": ((2026, 12, 12, 8, 0), (2026, 12, 12, 12, 0), True),
    "sunday": ((2026, 12, 13, 8, 0), (2026, 12, 13, 12, 0), True),
    "overnight": ((2026, 12, 7, 15, 0), (2026, 12, 8, 9, 0), True),
}


@pytest.mark.parametrize(
    ("start", "end", "outside"), WORKING_HOURS_CASES.values(), ids=WORKING_HOURS_CASES.keys()
)
def test_outside_working_hours(start, end, outside):
    assert outside_working_hours(local(*start), local(*end), "Asia/Jakarta") is outside


def test_outside_working_hours_uses_the_district_zone():
    # 08.00 WITA is 07.00 WIB: inside working hours in Makassar, not in Jakarta.
    start = datetime.datetime(2026, 12, 7, 0, 0, tzinfo=datetime.UTC)
    end = start + datetime.timedelta(hours=3)

    assert outside_working_hours(start, end, "Asia/Makassar") is False
    assert outside_working_hours(start, end, "Asia/Jakarta") is True


@pytest.mark.django_db
def test_warnings_for_a_series_use_one_query_per_kind(django_assert_max_num_queries):
    existing = SessionFactory(instructor=InstructorFactory())
    intervals = [(local(2026, 12, day, 8), local(2026, 12, day, 12)) for day in (7, 12, 24)]

    with django_assert_max_num_queries(3):
        found = session_warnings(
            district=existing.district,
            intervals=intervals,
            venue_id=existing.venue_id,
            instructor_id=existing.instructor_id,
        )

    assert sorted(w.kind for w in found) == [
        Kind.HOLIDAY,
        Kind.INSTRUCTOR,
        Kind.VENUE,
        Kind.WORKING_HOURS,
    ]
