"""JP attainment: who reached their yearly target, who is close, who has none.

One grouped query over the people in scope, each joined to the sum of their
passed completions of the year (PPPK capped, ``training.services.jp``), answers the
totals, the split by ASN type, the per-unit table and the JP distribution.
A second query lists the people behind target, a third fetches their details.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Sum

from districts.models import CivilServant, District, WorkUnit
from districts.nip import format_nip

from ...models import CompletionRecord
from .filters import Criteria

CLOSE_SHARE = (3, 4)  # "close": at least 75 % of the target
# JP per person: (label, lowest, highest or None); the last bucket is open-ended.
JP_BUCKETS = [("0", 0, 0), ("1–9", 1, 9), ("10–19", 10, 19), ("20–29", 20, 29), ("≥ 30", 30, None)]
BEHIND_LIMIT = 50


@dataclass
class Attainment:
    """Counts of people by how far they got toward their yearly JP target."""

    people: int = 0
    reached: int = 0
    close: int = 0
    behind: int = 0
    under_cap: int = 0  # PPPK between 0 and the cap: they have a cap, not a target
    none: int = 0
    jp_total: int = 0
    buckets: list[int] = field(default_factory=lambda: [0] * len(JP_BUCKETS))

    def add(self, row: dict) -> None:
        for key in ("people", "reached", "close", "behind", "under_cap", "none", "jp_total"):
            setattr(self, key, getattr(self, key) + (row.get(key) or 0))
        for index in range(len(JP_BUCKETS)):
            self.buckets[index] += row[f"b{index}"] or 0

    @property
    def average_jp(self) -> float | None:
        return round(self.jp_total / self.people, 1) if self.people else None


def _compiled(queryset) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def _person_jp_sql(criteria: Criteria) -> tuple[str, tuple]:
    """Return SQL of one row per person in scope: id, name, unit, counted JP, target."""
    people = criteria.people().order_by().values("id", "name", "work_unit_id", "asn_type")
    earned = (
        CompletionRecord.objects.filter(
            criteria.person_condition("civil_servant"),
            passed=True,
            completion_date__gte=datetime.date(criteria.year, 1, 1),
            completion_date__lt=datetime.date(criteria.year + 1, 1, 1),
        )
        .filter(criteria.program_condition("program__"))
        .order_by()
        .values("civil_servant")
        .annotate(jp=Sum("jp_credited"))
    )
    people_sql, people_params = _compiled(people)
    earned_sql, earned_params = _compiled(earned)
    cap, target = settings.PPPK_YEARLY_CAP_JP, settings.PNS_YEARLY_TARGET_JP
    sql = f"""
        SELECT p.id, p.name, p.work_unit_id, p.asn_type,
               CASE WHEN p.asn_type = 'PPPK' AND COALESCE(j.jp, 0) > {cap:d} THEN {cap:d}
                    ELSE COALESCE(j.jp, 0) END AS counted,
               CASE WHEN p.asn_type = 'PPPK' THEN {cap:d} ELSE {target:d} END AS target
        FROM ({people_sql}) p
        LEFT JOIN ({earned_sql}) j ON j.civil_servant = p.id
    """
    return sql, people_params + earned_params


def attainment_rows(criteria: Criteria) -> list[dict]:
    """Return attainment counts per work unit and ASN type (one query)."""
    person_sql, params = _person_jp_sql(criteria)
    close_num, close_den = CLOSE_SHARE
    buckets = ",\n".join(
        f"SUM(CASE WHEN t.counted >= {low:d}"
        + (f" AND t.counted <= {high:d}" if high is not None else "")
        + f" THEN 1 ELSE 0 END) AS b{index}"
        for index, (_label, low, high) in enumerate(JP_BUCKETS)
    )
    sql = f"""
        SELECT t.work_unit_id, u.name AS unit_name, d.name AS district_name, t.asn_type,
               COUNT(*) AS people,
               SUM(CASE WHEN t.counted >= t.target THEN 1 ELSE 0 END) AS reached,
               SUM(CASE WHEN t.asn_type <> 'PPPK' AND t.counted < t.target
                         AND {close_den:d} * t.counted >= {close_num:d} * t.target
                        THEN 1 ELSE 0 END) AS close,
               SUM(CASE WHEN t.asn_type <> 'PPPK' AND t.counted > 0
                         AND {close_den:d} * t.counted < {close_num:d} * t.target
                        THEN 1 ELSE 0 END) AS behind,
               SUM(CASE WHEN t.asn_type = 'PPPK' AND t.counted > 0 AND t.counted < t.target
                        THEN 1 ELSE 0 END) AS under_cap,
               SUM(CASE WHEN t.counted = 0 THEN 1 ELSE 0 END) AS none,
               SUM(t.counted) AS jp_total,
               {buckets}
        FROM ({person_sql}) t
        JOIN {WorkUnit._meta.db_table} u ON u.id = t.work_unit_id
        JOIN {District._meta.db_table} d ON d.id = u.district_id
        GROUP BY t.work_unit_id, u.name, d.name, t.asn_type
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def behind_target(criteria: Criteria, *, limit: int | None = BEHIND_LIMIT) -> list[dict]:
    """Return the PNS and CPNS below their target, furthest behind first (one query).

    PPPK are never listed: 24 JP is a cap on what counts for them, not a target.

    Each row has the person's names, NIP, unit, supervisor, counted JP, target
    and the date of their last training (of any year, up to today).
    """
    person_sql, params = _person_jp_sql(criteria)
    people, units, records = (
        CivilServant._meta.db_table,
        WorkUnit._meta.db_table,
        CompletionRecord._meta.db_table,
    )
    limit_sql = f"LIMIT {int(limit):d}" if limit is not None else ""
    sql = f"""
        SELECT b.id, b.counted, b.target,
               p.front_title, p.name, p.back_title, p.nip, p.asn_type, u.name AS unit_name,
               d.name AS district_name,
               s.front_title AS s_front, s.name AS s_name, s.back_title AS s_back,
               (SELECT MAX(c.completion_date) FROM {records} c
                 WHERE c.civil_servant_id = b.id AND c.completion_date <= %s) AS last_training
        FROM (
            SELECT t.id, t.name, t.counted, t.target FROM ({person_sql}) t
            WHERE t.counted < t.target AND t.asn_type <> 'PPPK'
            ORDER BY t.counted, t.name, t.id
            {limit_sql}
        ) b
        JOIN {people} p ON p.id = b.id
        JOIN {units} u ON u.id = p.work_unit_id
        JOIN {District._meta.db_table} d ON d.id = p.district_id
        LEFT JOIN {people} s ON s.id = p.supervisor_id
        ORDER BY b.counted, b.name, b.id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, (criteria.now.date(), *params))
        columns = [column[0] for column in cursor.description]
        found = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    result = []
    compose = CivilServant.compose_name
    for row in found:
        last = row["last_training"]
        if isinstance(last, str):  # SQLite returns the aggregate of dates as text
            last = datetime.date.fromisoformat(last)
        # Plain values, no model instance: the export lists every person behind target
        # (37,540 for the administrator at province scale) and the summary stores them.
        result.append(
            {
                "id": row["id"],
                "name": compose(row["front_title"], row["name"], row["back_title"]),
                "nip": format_nip(row["nip"]),
                "asn_type": row["asn_type"],
                "unit": row["unit_name"],
                "district": row["district_name"],
                "supervisor": compose(row["s_front"], row["s_name"], row["s_back"])
                if row["s_name"] is not None
                else "",
                "jp": row["counted"],
                "target": row["target"],
                "missing": row["target"] - row["counted"],
                "last_training": last,
            }
        )
    return result
