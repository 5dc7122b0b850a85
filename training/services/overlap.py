"""The pure overlap core: half-open intervals ``[start, end)``, no database.

:func:`find_overlaps` takes ``(id, start, end)`` tuples and returns typed
results (:class:`Overlap`, :class:`InvalidInterval`), never raising. Two
intervals overlap when ``max(starts) < min(ends)``: back-to-back intervals and
empty (zero-length) intervals overlap nothing; instants are compared, so the
zones the datetimes carry do not matter.
"""

import dataclasses
import datetime
from collections.abc import Iterable


@dataclasses.dataclass(frozen=True)
class Overlap:
    """Interval ``left_id`` overlaps interval ``right_id`` on ``[start, end)``."""

    left_id: object
    right_id: object
    start: datetime.datetime
    end: datetime.datetime


@dataclasses.dataclass(frozen=True)
class InvalidInterval:
    """An input tuple that is not a usable interval, and why."""

    id: object
    reason: str


def _problem(start, end) -> str | None:
    if not isinstance(start, datetime.datetime) or not isinstance(end, datetime.datetime):
        return "not a datetime"
    if start.tzinfo is None or end.tzinfo is None:
        return "naive datetime"
    if end < start:
        return "end before start"
    return None


def find_overlaps(
    left: Iterable[tuple], right: Iterable[tuple] | None = None
) -> list[Overlap | InvalidInterval]:
    """Return every overlap between ``left`` and ``right`` intervals.

    Intervals are ``(id, start, end)`` with aware datetimes, half-open: two
    intervals overlap when ``max(starts) < min(ends)``, so back-to-back
    intervals and empty (zero-length) intervals never overlap. Zones may
    differ; instants are compared. With ``right`` omitted, ``left`` is
    compared with itself: each unordered pair once, an interval never with
    itself. Invalid tuples are reported as :class:`InvalidInterval` (each
    once) and otherwise ignored; nothing raises.
    """
    results: list[Overlap | InvalidInterval] = []
    reported: set[int] = set()

    def clean(items, side: int) -> list[tuple]:
        valid = []
        for index, item in enumerate(items):
            try:
                item_id, start, end = item
            except (TypeError, ValueError):
                results.append(InvalidInterval(id=item, reason="not an (id, start, end) tuple"))
                continue
            problem = _problem(start, end)
            if problem is None:
                valid.append((item_id, start, end, index))
            elif (side, index) not in reported:
                reported.add((side, index))
                results.append(InvalidInterval(id=item_id, reason=problem))
        return valid

    lefts = clean(left, 0)
    same = right is None
    rights = lefts if same else clean(right, 1)
    # Sweep both lists by start: each left only meets rights starting before it ends.
    rights_sorted = sorted(rights, key=lambda item: item[1])
    for left_id, left_start, left_end, left_index in sorted(lefts, key=lambda item: item[1]):
        for right_id, right_start, right_end, right_index in rights_sorted:
            if right_start >= left_end:
                break
            if same and right_index <= left_index:
                continue
            start, end = max(left_start, right_start), min(left_end, right_end)
            if start < end:
                results.append(Overlap(left_id, right_id, start, end))
    return results


def overlapping_pairs(left: Iterable[tuple], right: Iterable[tuple] | None = None) -> set:
    """Return the ``(left_id, right_id)`` pairs of :func:`find_overlaps`."""
    return {
        (item.left_id, item.right_id)
        for item in find_overlaps(left, right)
        if isinstance(item, Overlap)
    }
