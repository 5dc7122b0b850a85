"""Summaries kept fresh by Celery for what is too slow to compute live at scale.

Two kinds, both in Django's cache (Redis in production), both written only by
the refresh task (beat, every few minutes) so that a page never blocks on them:

- the open conflicts of the whole province in the scan window, as compact
  ``(person_id, session_id)`` pairs; each viewer keeps their own people's;
- the query results behind the unfiltered dashboard of the current year for
  administrators (everything), for the HR staff of each district, and for each
  supervisor with at least ``DASHBOARD_SUMMARY_MIN_TEAM`` people below them (a
  sekda's 10,000 took 21 s live at province scale; a line of 500 stays live).

A page uses a summary only while it is younger than ``MAX_AGE``, says on the
page how old it is, and otherwise computes live.
"""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from districts.localtime import local_year
from districts.models import District
from districts.scoping import Scope

from .access import ADMIN, HR, SUPERVISOR, Viewer
from .attainment import BEHIND_LIMIT
from .dashboard import Dashboard
from .filters import Criteria
from .sessions import live_conflict_pairs
from .store import (
    MAX_AGE,
    SNAPSHOT_PARTS,
    ConflictPairs,
    Snapshot,
    behind_key,
    conflicts_key,
    pack_behind,
    snapshot_key,
)


def refresh_conflicts(*, now: datetime.datetime) -> ConflictPairs:
    """Compute the unresolved conflicts of upcoming sessions in the scan window; store them."""
    window_end = now + datetime.timedelta(days=settings.CONFLICT_SCAN_DAYS)
    pairs = tuple(live_conflict_pairs(now))
    value = ConflictPairs(computed_at=now, window_end=window_end, pairs=pairs)
    cache.set(conflicts_key(), value, timeout=int(MAX_AGE.total_seconds()) * 2)
    return value


# Every (person, someone above them) pair, walked up the reporting lines; UNION
# stops at a cycle. Counted per supervisor: the people in each line.
LARGE_LINES_SQL = """
WITH RECURSIVE chain(person, above) AS (
    SELECT id, supervisor_id FROM districts_civilservant WHERE supervisor_id IS NOT NULL
    UNION
    SELECT chain.person, boss.supervisor_id
    FROM chain JOIN districts_civilservant boss ON boss.id = chain.above
    WHERE boss.supervisor_id IS NOT NULL
)
SELECT chain.above, d.time_zone
FROM chain
JOIN districts_civilservant s ON s.id = chain.above
JOIN districts_district d ON d.id = s.district_id
GROUP BY chain.above, d.time_zone
HAVING COUNT(*) >= %s
ORDER BY chain.above
"""


def large_lines(minimum: int) -> list[tuple[int, str]]:
    """Return (supervisor id, their district's zone) for lines of ``minimum`` people or more."""
    with connection.cursor() as cursor:
        cursor.execute(LARGE_LINES_SQL, [minimum])
        return list(cursor.fetchall())


def _viewers() -> list[tuple[Viewer, str]]:
    """Return the viewers whose dashboards are kept, each with the zone of its year."""
    admin = Viewer(
        role=ADMIN, scope=Scope(is_admin=True, include_subtree=False, include_self=False), roles=()
    )
    result = [(admin, settings.TIME_ZONE)]
    for pk, zone in District.objects.order_by("pk").values_list("pk", "time_zone"):
        scope = Scope(hr_district_ids=frozenset({pk}), include_subtree=False, include_self=False)
        result.append((Viewer(role=HR, scope=scope, roles=()), zone))
    for pk, zone in large_lines(settings.DASHBOARD_SUMMARY_MIN_TEAM):
        scope = Scope(person_id=pk).as_supervisor()
        result.append((Viewer(role=SUPERVISOR, scope=scope, roles=()), zone))
    return result


def refresh_snapshots(*, now: datetime.datetime) -> int:
    """Recompute the conflicts and the unfiltered dashboards of this year; return how many."""
    refresh_conflicts(now=now)
    count = 0
    for viewer, zone in _viewers():
        # This year where the viewer's district is (the admin's: the portal's zone).
        year = local_year(now, zone)
        # Everyone behind target, once: the page shows the first rows, the export all.
        board = Dashboard(
            Criteria(viewer=viewer, year=year, now=now, time_zone=zone), behind_limit=None
        )
        parts = {name: getattr(board, name) for name in SNAPSHOT_PARTS}
        everyone = parts["behind"]
        parts["behind"] = everyone[:BEHIND_LIMIT]
        key, timeout = snapshot_key(viewer, year), int(MAX_AGE.total_seconds()) * 2
        cache.set(behind_key(key), pack_behind(now, everyone), timeout=timeout)
        cache.set(key, Snapshot(computed_at=now, parts=parts), timeout=timeout)
        count += 1
    return count
