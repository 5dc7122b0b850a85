"""Summaries kept fresh by Celery for what is too slow to compute live at scale.

Two kinds, both in Django's cache (Redis in production), both written only by
the refresh task (beat, every few minutes) so that a page never blocks on them:

- the open conflicts of the whole province in the scan window, as compact
  ``(person_id, session_id)`` pairs; each viewer keeps their own people's;
- the query results behind the unfiltered dashboard of the current year for
  administrators (everything) and for the HR staff of each district.

A page uses a summary only while it is younger than ``MAX_AGE``, says on the
page how old it is, and otherwise computes live.
"""

import datetime

from django.conf import settings
from django.core.cache import cache

from districts.models import District
from districts.scoping import Scope

from .access import ADMIN, HR, Viewer
from .dashboard import Dashboard
from .filters import Criteria
from .sessions import live_conflict_pairs
from .store import MAX_AGE, SNAPSHOT_PARTS, ConflictPairs, Snapshot, conflicts_key, snapshot_key


def refresh_conflicts(*, now: datetime.datetime) -> ConflictPairs:
    """Compute the unresolved conflicts of upcoming sessions in the scan window; store them."""
    window_end = now + datetime.timedelta(days=settings.CONFLICT_SCAN_DAYS)
    pairs = tuple(live_conflict_pairs(now))
    value = ConflictPairs(computed_at=now, window_end=window_end, pairs=pairs)
    cache.set(conflicts_key(), value, timeout=int(MAX_AGE.total_seconds()) * 2)
    return value


def _viewers() -> list[Viewer]:
    admin = Viewer(
        role=ADMIN, scope=Scope(is_admin=True, include_subtree=False, include_self=False), roles=()
    )
    result = [admin]
    for pk in District.objects.order_by("pk").values_list("pk", flat=True):
        scope = Scope(hr_district_ids=frozenset({pk}), include_subtree=False, include_self=False)
        result.append(Viewer(role=HR, scope=scope, roles=()))
    return result


def refresh_snapshots(*, now: datetime.datetime) -> int:
    """Recompute the conflicts and the unfiltered dashboards of this year; return how many."""
    refresh_conflicts(now=now)
    count = 0
    for viewer in _viewers():
        board = Dashboard(Criteria(viewer=viewer, year=now.year, now=now))
        parts = {name: getattr(board, name) for name in SNAPSHOT_PARTS}
        cache.set(
            snapshot_key(viewer, now.year),
            Snapshot(computed_at=now, parts=parts),
            timeout=int(MAX_AGE.total_seconds()) * 2,
        )
        count += 1
    return count
