"""Reads for the gap pages: the units × competencies matrix, a cell's people, a person's gaps."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from districts.models import CivilServant, WorkUnit

from ..models import Competency, TrainingSession
from . import needs
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
    cells = needs.gap_matrix(people, on=on)
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
