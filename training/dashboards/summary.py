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
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from districts.localtime import local_year
from districts.models import District
from districts.scoping import Scope

from .access import ADMIN, HR, Viewer
from .filters import Criteria

REFRESH_SECONDS = 5 * 60
MAX_AGE = datetime.timedelta(minutes=30)
VERSION = 4
# The Dashboard attributes a snapshot carries: query results, enrolments rolled up.
SNAPSHOT_PARTS = (
    "_attainment_rows",
    "_activity",
    "_completions",
    "upcoming",
    "conflicts",
    "_budget",
    "behind",
)


@dataclass(frozen=True)
class ConflictPairs:
    computed_at: datetime.datetime
    window_end: datetime.datetime
    pairs: tuple[tuple[int, int], ...]


def _prefix() -> str:
    # The database is part of the key: several sites (or a benchmark) may share a cache.
    return f"dashboards:v{VERSION}:{connection.settings_dict['NAME']}"


def _conflicts_key() -> str:
    return f"{_prefix()}:conflicts"


def snapshot_key(viewer: Viewer, year: int) -> str | None:
    """Return the cache key of the viewer's unfiltered dashboard, None for supervisors."""
    if viewer.role == ADMIN:
        return f"{_prefix()}:admin:{year}"
    if viewer.role == HR:
        districts = "-".join(str(pk) for pk in sorted(viewer.scope.hr_district_ids))
        return f"{_prefix()}:hr:{districts}:{year}"
    return None


def fresh(value, now: datetime.datetime):
    """Return ``value`` (anything with ``computed_at``) while it is young enough, else None."""
    if value is None or now - value.computed_at > MAX_AGE or value.computed_at > now:
        return None
    return value


def conflict_pairs(now: datetime.datetime) -> ConflictPairs | None:
    return fresh(cache.get(_conflicts_key()), now)


def refresh_conflicts(*, now: datetime.datetime) -> ConflictPairs:
    """Compute the unresolved conflicts of upcoming sessions in the scan window; store them."""
    from django.conf import settings

    from .sessions import live_conflict_pairs

    window_end = now + datetime.timedelta(days=settings.CONFLICT_SCAN_DAYS)
    pairs = tuple(live_conflict_pairs(now))
    value = ConflictPairs(computed_at=now, window_end=window_end, pairs=pairs)
    cache.set(_conflicts_key(), value, timeout=int(MAX_AGE.total_seconds()) * 2)
    return value


@dataclass(frozen=True)
class Snapshot:
    computed_at: datetime.datetime
    parts: dict


def snapshot(viewer: Viewer, year: int, now: datetime.datetime) -> Snapshot | None:
    key = snapshot_key(viewer, year)
    return fresh(cache.get(key), now) if key else None


def _viewers() -> list[tuple[Viewer, str]]:
    """Return the viewers whose dashboards are kept, each with the zone of its year."""
    admin = Viewer(
        role=ADMIN, scope=Scope(is_admin=True, include_subtree=False, include_self=False), roles=()
    )
    result = [(admin, settings.TIME_ZONE)]
    for pk, zone in District.objects.order_by("pk").values_list("pk", "time_zone"):
        scope = Scope(hr_district_ids=frozenset({pk}), include_subtree=False, include_self=False)
        result.append((Viewer(role=HR, scope=scope, roles=()), zone))
    return result


def refresh_snapshots(*, now: datetime.datetime) -> int:
    """Recompute the conflicts and the unfiltered dashboards of this year; return how many."""
    from .dashboard import Dashboard

    refresh_conflicts(now=now)
    count = 0
    for viewer, zone in _viewers():
        # This year where the viewer's district is (the admin's: the portal's zone).
        year = local_year(now, zone)
        board = Dashboard(Criteria(viewer=viewer, year=year, now=now, time_zone=zone))
        parts = {name: getattr(board, name) for name in SNAPSHOT_PARTS}
        cache.set(
            snapshot_key(viewer, year),
            Snapshot(computed_at=now, parts=parts),
            timeout=int(MAX_AGE.total_seconds()) * 2,
        )
        count += 1
    return count
