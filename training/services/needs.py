"""Competency gaps, set-based: who needs which competency, and who lacks it.

A person needs a competency when their work unit or their position (jabatan,
the exact position title within the district) requires it, or when HR marked
it as their individual need. A need is met by a passed (verified) completion
of a program that develops the competency, no older than the competency's
validity in years (counted back from ``on``; none: never expires).

Every figure comes from one SQL statement over the people of a queryset (the
caller scopes and filters it through ``districts.scoping``), plus one query
for the competencies' validity windows: the number of queries does not depend
on how many people or competencies there are. The statement is plain SQL that
PostgreSQL and SQLite both run. It is set-based on purpose: the needs and the
met (person, competency) pairs are each built once and joined by hash, rather
than probing the completion records once per need (a correlated EXISTS, four
times slower on a 10,000-person district); the partial index ``completion_passed_cover``
lets PostgreSQL read the passed completions from the index alone.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from ..models import Competency, CompetencyRequirement, CompletionRecord, IndividualNeed

NEVER = datetime.date(1900, 1, 1)


def since(on: datetime.date, years: int | None) -> datetime.date:
    """Return the first completion date that still counts ``on`` for ``years`` of validity."""
    if not years:
        return NEVER
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def windows(people: QuerySet, *, on: datetime.date) -> dict[int, datetime.date]:
    """Return, per active competency of the people's districts, the earliest date that counts."""
    rows = Competency.objects.filter(
        is_active=True, district__in=people.order_by().values("district")
    ).values_list("pk", "validity_years")
    return {pk: since(on, years) for pk, years in rows}


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _statement(people: QuerySet, window: dict[int, datetime.date]) -> tuple[str, list]:
    """Return SQL of one row per need: person_id, work_unit_id, competency_id, met (0/1)."""
    people_sql, people_params = (
        people.order_by().values("id", "work_unit_id", "district_id", "position_title").query
    ).sql_with_params()
    values = ", ".join(["(%s, %s)"] * len(window))
    window_params = [value for item in sorted(window.items()) for value in item]
    through = Competency.programs.through
    sql = f"""
        WITH people AS ({people_sql}),
        windows(competency_id, since) AS (VALUES {values}),
        needs(person_id, work_unit_id, competency_id) AS (
            SELECT p.id, p.work_unit_id, r.competency_id FROM people p
            JOIN {_table(CompetencyRequirement)} r ON r.work_unit_id = p.work_unit_id
            UNION
            SELECT p.id, p.work_unit_id, r.competency_id FROM people p
            JOIN {_table(CompetencyRequirement)} r
              ON r.work_unit_id IS NULL AND r.district_id = p.district_id
             AND r.position_title = p.position_title
            UNION
            SELECT p.id, p.work_unit_id, n.competency_id FROM people p
            JOIN {_table(IndividualNeed)} n ON n.civil_servant_id = p.id
        ),
        met(person_id, competency_id) AS (
            SELECT DISTINCT c.civil_servant_id, d.competency_id
            FROM {_table(CompletionRecord)} c
            JOIN {_table(through)} d ON d.trainingprogram_id = c.program_id
            JOIN windows w ON w.competency_id = d.competency_id
            WHERE c.passed = %s AND c.completion_date >= w.since
              AND c.civil_servant_id IN (SELECT id FROM people)
        )
        SELECT n.person_id, n.work_unit_id, n.competency_id,
               CASE WHEN m.person_id IS NULL THEN 0 ELSE 1 END AS met
        FROM needs n
        JOIN windows w ON w.competency_id = n.competency_id
        LEFT JOIN met m ON m.person_id = n.person_id AND m.competency_id = n.competency_id
    """
    return sql, [*people_params, *window_params, True]


def _run(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def need_rows(people: QuerySet, *, on: datetime.date) -> list[tuple[int, int, int, bool]]:
    """Return ``(person_id, work_unit_id, competency_id, met)`` for every need of the people."""
    window = windows(people, on=on)
    if not window:
        return []
    sql, params = _statement(people, window)
    return [
        (person, unit, competency, bool(met)) for person, unit, competency, met in _run(sql, params)
    ]


@dataclass(frozen=True)
class Cell:
    work_unit_id: int
    competency_id: int
    needing: int
    lacking: int

    @property
    def share_lacking(self) -> float:
        return self.lacking / self.needing if self.needing else 0.0


def gap_matrix(people: QuerySet, *, on: datetime.date) -> list[Cell]:
    """Return, per work unit and competency, how many people need it and how many lack it."""
    window = windows(people, on=on)
    if not window:
        return []
    sql, params = _statement(people, window)
    grouped = f"""
        SELECT work_unit_id, competency_id, COUNT(*), SUM(1 - met)
        FROM ({sql}) g GROUP BY work_unit_id, competency_id
    """
    return [Cell(*row) for row in _run(grouped, params)]


def lacking_ids(people: QuerySet, *, on: datetime.date, competency_id: int) -> RawSQL | list:
    """Return a subquery of the ids of the people who lack the competency (for ``pk__in``)."""
    window = windows(people, on=on)
    if competency_id not in window:
        return []
    sql, params = _statement(people, window)
    lacking = f"SELECT person_id FROM ({sql}) g WHERE met = 0 AND competency_id = %s"
    return RawSQL(lacking, (*params, competency_id))  # noqa: S611 - composed, bound parameters


def person_gaps(person_queryset: QuerySet, *, on: datetime.date) -> list[Competency]:
    """Return the competencies the (one) person of the queryset needs and lacks."""
    lacking = [
        competency for _p, _u, competency, met in need_rows(person_queryset, on=on) if not met
    ]
    return list(Competency.objects.filter(pk__in=lacking).order_by("name"))


def person_gap_programs(person_queryset: QuerySet, *, on: datetime.date) -> dict[int, list[int]]:
    """Return, per competency the person lacks, the ids of the programs that develop it."""
    lacking = [
        competency for _p, _u, competency, met in need_rows(person_queryset, on=on) if not met
    ]
    through = Competency.programs.through.objects.filter(competency_id__in=lacking)
    result = {competency: [] for competency in lacking}
    for competency, program in through.values_list("competency_id", "trainingprogram_id"):
        result[competency].append(program)
    return result
