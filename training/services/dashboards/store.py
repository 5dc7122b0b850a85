"""What the refresh task stored in Django's cache, and whether it is fresh enough to show.

Written only by :mod:`training.services.dashboards.summary`; read by the pages
through :func:`snapshot` and :func:`conflict_pairs`.
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection

from .access import ADMIN, HR, SUPERVISOR, Viewer

REFRESH_SECONDS = 5 * 60
MAX_AGE = datetime.timedelta(minutes=30)
VERSION = 5  # 5: behind-target rows are plain values; everyone behind kept apart
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


def conflicts_key() -> str:
    return f"{_prefix()}:conflicts"


def snapshot_key(viewer: Viewer, year: int) -> str | None:
    """Return the cache key of the viewer's unfiltered dashboard.

    A supervisor's is kept only when their line is large (see ``summary``);
    for the others the key finds nothing and the page computes live.
    """
    if viewer.role == ADMIN:
        return f"{_prefix()}:admin:{year}"
    if viewer.role == HR:
        districts = "-".join(str(pk) for pk in sorted(viewer.scope.hr_district_ids))
        return f"{_prefix()}:hr:{districts}:{year}"
    if viewer.role == SUPERVISOR and viewer.scope.person_id is not None:
        return f"{_prefix()}:supervisor:{viewer.scope.person_id}:{year}"
    return None


def fresh(value, now: datetime.datetime):
    """Return ``value`` (anything with ``computed_at``) while it is young enough, else None."""
    if value is None or now - value.computed_at > MAX_AGE or value.computed_at > now:
        return None
    return value


def conflict_pairs(now: datetime.datetime) -> ConflictPairs | None:
    return fresh(cache.get(conflicts_key()), now)


@dataclass(frozen=True)
class Snapshot:
    computed_at: datetime.datetime
    parts: dict


def snapshot(viewer: Viewer, year: int, now: datetime.datetime) -> Snapshot | None:
    key = snapshot_key(viewer, year)
    return fresh(cache.get(key), now) if key else None


# Everyone behind target, for the export (the snapshot keeps the page's first rows):
# kept apart so that the dashboard page does not read tens of thousands of rows.
BEHIND_FIELDS = (
    "id",
    "name",
    "nip",
    "asn_type",
    "unit",
    "district",
    "supervisor",
    "jp",
    "target",
    "missing",
    "last_training",
)


@dataclass(frozen=True)
class BehindList:
    computed_at: datetime.datetime
    rows: tuple[tuple, ...]  # values in BEHIND_FIELDS order


def behind_key(snapshot_key: str) -> str:
    return f"{snapshot_key}:behind"


def pack_behind(computed_at: datetime.datetime, rows: list[dict]) -> BehindList:
    return BehindList(
        computed_at=computed_at,
        rows=tuple(tuple(row[name] for name in BEHIND_FIELDS) for row in rows),
    )


def behind_list(viewer: Viewer, year: int, computed_at: datetime.datetime) -> list[dict] | None:
    """Return everyone behind target as stored with the snapshot of ``computed_at``, or None."""
    key = snapshot_key(viewer, year)
    stored = cache.get(behind_key(key)) if key else None
    if stored is None or stored.computed_at != computed_at:
        return None
    return [dict(zip(BEHIND_FIELDS, row, strict=True)) for row in stored.rows]
