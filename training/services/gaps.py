"""Reads for the gap pages: the units × competencies matrix, a cell's people, a person's gaps."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from districts.models import CivilServant, District, WorkUnit

from ..models import Competency, TrainingSession
from . import gap_summary, needs
from .dashboards import numbers
from .dashboards.numbers import ratio
from .dashboards.tables import Column, Table


@dataclass(frozen=True)
class GapFilters:
    district_id: int | None = None
    unit_id: int | None = None
    asn_type: str = ""
    rank: str = ""

    def apply(self, people: QuerySet) -> QuerySet:
        if self.district_id:
            people = people.filter(district_id=self.district_id)
        if self.unit_id:
            people = people.filter(work_unit_id=self.unit_id)
        if self.asn_type:
            people = people.filter(asn_type=self.asn_type)
        if self.rank:
            people = people.filter(rank=self.rank)
        return people

    def as_query(self) -> dict:
        pairs = (
            ("district", self.district_id),
            ("unit", self.unit_id),
            ("asn", self.asn_type),
            ("rank", self.rank),
        )
        return {key: str(value) for key, value in pairs if value}


@dataclass
class Matrix:
    competencies: list[Competency]
    rows: list[dict]  # {"unit": WorkUnit, "cells": [needs.Cell | None, ...]}

    def display_rows(self, links: dict[int, str] | None = None) -> list[dict]:
        """Return the rows for the page: each cell with its share text, counts, tone and link.

        ``links`` maps a competency id to the address of its cell page (built once
        per competency by the caller); everything a cell shows is a ready string,
        so the template does no lookups, formatting or URL reversing per cell.
        """
        links = links or {}
        result = []
        for row in self.rows:
            cells = []
            for competency, cell in zip(self.competencies, row["cells"], strict=True):
                if cell is None:  # most cells of a many-district matrix
                    cells.append({"competency": competency, "cell": None, "tone": ""})
                    continue
                share = ratio(cell.lacking, cell.needing)
                cells.append(
                    {
                        "competency": competency,
                        "cell": cell,
                        "text": numbers.percent(share),
                        "counts": f"{cell.lacking}/{cell.needing}",
                        "tone": tone(share),
                        "href": links.get(cell.competency_id, ""),
                    }
                )
            result.append({"unit": row["unit"], "cells": cells})
        return result

    def table(self) -> Table:
        """Return the matrix as a long table (one row per unit and competency) for exports."""
        rows = [
            {
                "district": row["unit"].district.name,
                "unit": row["unit"].name,
                "competency": competency.name,
                "needing": cell.needing,
                "lacking": cell.lacking,
                "share": ratio(cell.lacking, cell.needing),
            }
            for row in self.rows
            for competency, cell in zip(self.competencies, row["cells"], strict=True)
            if cell is not None
        ]
        columns = [
            Column("district", _("District"), "text"),
            Column("unit", _("Work unit"), "text"),
            Column("competency", _("Competency"), "text"),
            Column("needing", _("People who need it")),
            Column("lacking", _("People who lack it")),
            Column("share", _("Share lacking (%)"), "percent"),
        ]
        return Table("kesenjangan", _("Competency gaps"), columns, rows)


def matrix(people: QuerySet, *, on: datetime.date) -> Matrix:
    """Return the units × competencies matrix of the people (four queries whatever their number)."""
    return matrix_of(needs.gap_matrix(people, on=on))


def matrix_of(cells: list[needs.Cell]) -> Matrix:
    """Return the matrix of the cells (live or stored): two queries, for names and order."""
    competency_ids = sorted({cell.competency_id for cell in cells})
    unit_ids = sorted({cell.work_unit_id for cell in cells})
    competencies = list(Competency.objects.filter(pk__in=competency_ids).order_by("name"))
    units = list(
        WorkUnit.objects.filter(pk__in=unit_ids)
        .select_related("district")
        .order_by("district__name", "name")
    )
    by_pair = {(cell.work_unit_id, cell.competency_id): cell for cell in cells}
    keys = [competency.pk for competency in competencies]
    rows = [
        {"unit": unit, "cells": [by_pair.get((unit.pk, key)) for key in keys]} for unit in units
    ]
    return Matrix(competencies, rows)


def tone(share: float | None) -> str:
    """Return the colour class of a matrix cell by its share lacking (in %)."""
    if share is None:
        return ""
    if share >= 50:
        return "gap-high"
    return "gap-some" if share > 0 else "gap-none"


def lacking_people(
    people: QuerySet, *, on: datetime.date, competency: Competency, unit_id: int | None = None
) -> QuerySet:
    """Return the people (of ``people``, optionally of one unit) who lack ``competency``."""
    if unit_id:
        people = people.filter(work_unit_id=unit_id)
    ids = needs.lacking_ids(people, on=on, competency_id=competency.pk)
    return (
        CivilServant.objects.filter(pk__in=ids)
        .select_related("work_unit", "district")
        .order_by("name", "pk")
    )


def sessions_closing(
    competency_programs: dict[int, list[int]], sessions: QuerySet, *, now: datetime.datetime
) -> dict[int, list[TrainingSession]]:
    """Return, per competency, the upcoming sessions (of ``sessions``) that develop it."""
    program_ids = {pk for programs in competency_programs.values() for pk in programs}
    upcoming = list(
        sessions.filter(program_id__in=program_ids, start__gt=now)
        .select_related("program", "district", "venue")
        .order_by("start", "pk")
    )
    return {
        competency: [s for s in upcoming if s.program_id in programs]
        for competency, programs in competency_programs.items()
    }


def summary_districts(viewer, filters: GapFilters) -> list[int] | None:
    """Return the districts whose stored matrices answer this view; None when only live can.

    A summary holds a whole district's unit × competency cells: it answers HR and
    administrators, unfiltered or filtered by district or unit. A supervisor's
    subtree and a filter by ASN type or rank cut people across units: live.
    """
    if viewer.is_supervisor or filters.asn_type or filters.rank:
        return None
    districts = viewer.districts()
    if filters.district_id:
        districts = districts.filter(pk=filters.district_id)
    if filters.unit_id:
        districts = districts.filter(work_units=filters.unit_id)
    return list(districts.order_by("pk").values_list("pk", flat=True))


@dataclass
class StoredMatrix:
    matrix: Matrix
    computed_at: datetime.datetime
    time_zone: str


def stored_matrix(
    district_id: int, *, unit_id: int | None, now: datetime.datetime
) -> StoredMatrix | None:
    """Return the district's matrix from its summary (or None without a fresh one)."""
    summary = gap_summary.fresh([district_id], now=now).get(district_id)
    if summary is None:
        return None
    cells = gap_summary.cells([summary], unit_id=unit_id)
    return StoredMatrix(matrix_of(cells), summary.computed_at, summary.district.time_zone)


def figures(
    viewer, filters: GapFilters, *, on: datetime.date, now: datetime.datetime
) -> list[needs.Cell]:
    """Return the view's cells: stored when every district of it has a fresh summary, else live."""
    districts = summary_districts(viewer, filters)
    if districts:
        summaries = gap_summary.fresh(districts, now=now)
        if len(summaries) == len(districts):
            return gap_summary.cells(summaries.values(), unit_id=filters.unit_id)
    return needs.gap_matrix(filters.apply(viewer.people()), on=on)


TOP_COMPETENCIES = 3


@dataclass
class DistrictGaps:
    """One district's line of the overview: totals, the largest gaps, when computed."""

    district: District
    needing: int
    lacking: int
    top: list[dict]  # {"competency", "needing", "lacking", "share"}, most people lacking first
    computed_at: datetime.datetime | None  # None: computed live for this page

    @property
    def share(self) -> float | None:
        return ratio(self.lacking, self.needing)


def overview(
    district_ids: list[int], people: QuerySet, *, on: datetime.date, now: datetime.datetime
) -> list[DistrictGaps]:
    """Return one line per district: from its summary, or live where it has no fresh one.

    Constant queries: the summaries, their sums, the districts and competencies;
    plus, when some district has no fresh summary, the live statement over the
    people of those districts and their units' districts.
    """
    summaries = gap_summary.fresh(district_ids, now=now)
    sums = gap_summary.per_district_competency(summaries.values()) if summaries else {}
    missing = [pk for pk in district_ids if pk not in summaries]
    if missing:
        live = needs.gap_matrix(people.filter(district_id__in=missing), on=on)
        unit_district = dict(
            WorkUnit.objects.filter(pk__in={c.work_unit_id for c in live}).values_list(
                "pk", "district_id"
            )
        )
        for cell in live:
            by_competency = sums.setdefault(unit_district[cell.work_unit_id], {})
            needing, lacking = by_competency.get(cell.competency_id, (0, 0))
            by_competency[cell.competency_id] = (needing + cell.needing, lacking + cell.lacking)
    tops = {
        district: sorted(by_competency.items(), key=lambda item: (-item[1][1], item[0]))[
            :TOP_COMPETENCIES
        ]
        for district, by_competency in sums.items()
    }
    names = Competency.objects.in_bulk([pk for top in tops.values() for pk, _counts in top])
    lines = []
    for district in District.objects.filter(pk__in=district_ids).order_by("name"):
        by_competency = sums.get(district.pk, {})
        summary = summaries.get(district.pk)
        lines.append(
            DistrictGaps(
                district=district,
                needing=sum(needing for needing, _lacking in by_competency.values()),
                lacking=sum(lacking for _needing, lacking in by_competency.values()),
                top=[
                    {
                        "competency": names[pk],
                        "needing": needing,
                        "lacking": lacking,
                        "share": ratio(lacking, needing),
                    }
                    for pk, (needing, lacking) in tops.get(district.pk, [])
                    if lacking
                ],
                computed_at=summary.computed_at if summary else None,
            )
        )
    return lines


@dataclass
class PersonGap:
    competency: Competency
    sessions: list


def person_gaps(
    person: CivilServant, *, sessions: QuerySet, now: datetime.datetime
) -> list[PersonGap]:
    """Return the competencies the person lacks, each with the upcoming sessions that close it."""
    on = now.astimezone(person.district.tzinfo).date()
    programs = needs.person_gap_programs(CivilServant.objects.filter(pk=person.pk), on=on)
    closing = sessions_closing(programs, sessions, now=now)
    competencies = Competency.objects.filter(pk__in=list(programs)).order_by("name")
    return [PersonGap(competency, closing[competency.pk]) for competency in competencies]


def recommended_program_ids(person: CivilServant, *, now: datetime.datetime) -> set[int]:
    """Return the programs that develop a competency the person lacks."""
    on = now.astimezone(person.district.tzinfo).date()
    programs = needs.person_gap_programs(CivilServant.objects.filter(pk=person.pk), on=on)
    return {pk for ids in programs.values() for pk in ids}
