"""The pure overlap core against a brute-force oracle."""

import datetime
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from training.services.overlap import InvalidInterval, Overlap, find_overlaps, overlapping_pairs

UTC = datetime.UTC
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
WITA = zoneinfo.ZoneInfo("Asia/Makassar")
WIT = zoneinfo.ZoneInfo("Asia/Jayapura")
BASE = datetime.datetime(2026, 12, 7, tzinfo=UTC)


def at(minute: int, tz=UTC) -> datetime.datetime:
    return (BASE + datetime.timedelta(minutes=minute)).astimezone(tz)


def wib(day, hour, minute=0):
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=WIB)


EDGE_CASES = {
    # name: (left (start, end), right (start, end), overlap expected)
    "exact": ((wib(7, 8), wib(7, 12)), (wib(7, 8), wib(7, 12)), True),
    "shared_start": ((wib(7, 8), wib(7, 12)), (wib(7, 8), wib(7, 10)), True),
    "shared_end": ((wib(7, 8), wib(7, 12)), (wib(7, 10), wib(7, 12)), True),
    "contained": ((wib(7, 8), wib(7, 17)), (wib(7, 10), wib(7, 11)), True),
    "partial": ((wib(7, 8), wib(7, 12)), (wib(7, 11), wib(7, 14)), True),
    "back_to_back": ((wib(7, 8), wib(7, 12)), (wib(7, 12), wib(7, 16)), False),
    "back_to_back_reversed": ((wib(7, 12), wib(7, 16)), (wib(7, 8), wib(7, 12)), False),
    "disjoint": ((wib(7, 8), wib(7, 10)), (wib(7, 13), wib(7, 14)), False),
    "zero_length_inside": ((wib(7, 8), wib(7, 12)), (wib(7, 10), wib(7, 10)), False),
    "zero_length_at_start": ((wib(7, 8), wib(7, 12)), (wib(7, 8), wib(7, 8)), False),
    "across_midnight": ((wib(7, 22), wib(8, 6)), (wib(8, 5), wib(8, 8)), True),
    "across_midnight_back_to_back": ((wib(7, 22), wib(8, 6)), (wib(8, 6), wib(8, 14)), False),
    # 08.00 WITA is 07.00 WIB: the WIB shift 07.00-08.00 ends as the session starts.
    "different_zones_back_to_back": (
        (
            datetime.datetime(2026, 12, 7, 8, tzinfo=WITA),
            datetime.datetime(2026, 12, 7, 12, tzinfo=WITA),
        ),
        (wib(7, 6), wib(7, 7)),
        False,
    ),
    # 09.00 WIT is 07.00 WIB: same instant range written in two zones.
    "different_zones_same_instants": (
        (
            datetime.datetime(2026, 12, 7, 9, tzinfo=WIT),
            datetime.datetime(2026, 12, 7, 10, tzinfo=WIT),
        ),
        (wib(7, 7), wib(7, 8)),
        True,
    ),
}


@pytest.mark.parametrize(("left", "right", "expected"), EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_find_overlaps_edge_case(left, right, expected):
    result = overlapping_pairs([("a", *left)], [("b", *right)])

    assert result == ({("a", "b")} if expected else set())


def test_find_overlaps_reports_intersection():
    result = find_overlaps([(1, wib(7, 8), wib(7, 12))], [(2, wib(7, 10), wib(7, 14))])

    assert result == [Overlap(1, 2, wib(7, 10), wib(7, 12))]


def test_find_overlaps_invalid_input_reported_not_raised():
    naive = datetime.datetime(2026, 12, 7, 8)
    result = find_overlaps(
        [(1, naive, naive), (2, wib(7, 12), wib(7, 8)), "junk", (3, wib(7, 8), wib(7, 9))],
        [(9, wib(7, 8), wib(7, 10))],
    )

    assert result == [
        InvalidInterval(id=1, reason="naive datetime"),
        InvalidInterval(id=2, reason="end before start"),
        InvalidInterval(id="junk", reason="not an (id, start, end) tuple"),
        Overlap(3, 9, wib(7, 8), wib(7, 9)),
    ]


def test_find_overlaps_self_pairs_once():
    items = [(1, wib(7, 8), wib(7, 12)), (2, wib(7, 9), wib(7, 10)), (3, wib(7, 12), wib(7, 13))]

    assert overlapping_pairs(items) == {(1, 2)}


ZONES = st.sampled_from([UTC, WIB, WITA, WIT])
INTERVAL = st.tuples(st.integers(0, 48 * 60), st.integers(0, 12 * 60), ZONES, ZONES)


def oracle(left, right):
    """Overlap by brute force: some minute lies in both half-open ranges."""
    pairs = set()
    for left_id, (a_start, a_len, _za, _zb) in enumerate(left):
        for right_id, (b_start, b_len, _zc, _zd) in enumerate(right):
            minutes = set(range(a_start, a_start + a_len)) & set(range(b_start, b_start + b_len))
            if minutes:
                pairs.add((left_id, right_id))
    return pairs


def as_tuples(items):
    return [
        (index, at(start, zone_start), at(start + length, zone_end))
        for index, (start, length, zone_start, zone_end) in enumerate(items)
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(INTERVAL, max_size=8), st.lists(INTERVAL, max_size=8))
def test_find_overlaps_matches_brute_force_oracle(left, right):
    assert overlapping_pairs(as_tuples(left), as_tuples(right)) == oracle(left, right)


@settings(max_examples=200, deadline=None)
@given(st.lists(INTERVAL, max_size=8))
def test_find_overlaps_self_matches_oracle(items):
    expected = {(a, b) for a, b in oracle(items, items) if a < b}

    assert overlapping_pairs(as_tuples(items)) == expected
