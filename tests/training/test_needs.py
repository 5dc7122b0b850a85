"""Competency gaps: the set-based computation against a brute-force oracle, and its query count."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from districts.models import CivilServant
from tests.factories import (
    CivilServantFactory,
    CompletionRecordFactory,
    ProgramFactory,
    WorkUnitFactory,
    district,
    make_nip,
)
from training.models import Competency, CompetencyRequirement, CompletionRecord, IndividualNeed
from training.services import needs

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 6, 15)
POSITIONS = ("Pengelola Data", "Analis Kebijakan")


@pytest.fixture
def world():
    home = district("mulyorejo")
    units = [WorkUnitFactory(district=home) for _ in range(3)]
    people = [
        CivilServantFactory(district=home, work_unit=units[n % 3], position_title=POSITIONS[n % 2])
        for n in range(6)
    ]
    competencies = [
        Competency.objects.create(district=home, name=f"Kompetensi {n}", kind="teknis")
        for n in range(3)
    ]
    programs = [ProgramFactory(district=home) for _ in range(3)]
    other = district("plaju")
    stranger = CivilServantFactory(district=other, position_title=POSITIONS[0])
    foreign = Competency.objects.create(district=other, name="Asing", kind="teknis")
    IndividualNeed.objects.create(competency=foreign, civil_servant=stranger)
    return {"units": units, "people": people, "competencies": competencies, "programs": programs}


WORLD = st.fixed_dictionaries(
    {
        "validity": st.lists(st.sampled_from([None, 1, 3]), min_size=3, max_size=3),
        "develops": st.sets(st.tuples(st.integers(0, 2), st.integers(0, 2))),
        "unit_requires": st.sets(st.tuples(st.integers(0, 2), st.integers(0, 2))),
        "position_requires": st.sets(st.tuples(st.integers(0, 1), st.integers(0, 2))),
        "individual": st.sets(st.tuples(st.integers(0, 5), st.integers(0, 2))),
        "completions": st.lists(
            st.tuples(st.integers(0, 5), st.integers(0, 2), st.integers(0, 5 * 366), st.booleans()),
            max_size=8,
        ),
    }
)


def build(world, data):
    home = world["people"][0].district
    competencies, programs = world["competencies"], world["programs"]
    for competency, years in zip(competencies, data["validity"], strict=True):
        competency.validity_years = years
        competency.save()
        competency.programs.clear()
    for c, p in data["develops"]:
        competencies[c].programs.add(programs[p])
    CompetencyRequirement.objects.bulk_create(
        [
            CompetencyRequirement(
                competency=competencies[c], district=home, work_unit=world["units"][u]
            )
            for u, c in data["unit_requires"]
        ]
        + [
            CompetencyRequirement(
                competency=competencies[c], district=home, position_title=POSITIONS[t]
            )
            for t, c in data["position_requires"]
        ]
    )
    IndividualNeed.objects.bulk_create(
        [
            IndividualNeed(competency=competencies[c], civil_servant=world["people"][p])
            for p, c in data["individual"]
        ]
    )
    for person, program, days_ago, passed in data["completions"]:
        CompletionRecordFactory(
            civil_servant=world["people"][person],
            program=programs[program],
            completion_date=ON - datetime.timedelta(days=days_ago),
            passed=passed,
        )


def oracle(people, on):
    """Return the needs row by row, the way a person would read the rules."""
    rows = set()
    for person in people:
        needed = set()
        for requirement in CompetencyRequirement.objects.all():
            if requirement.work_unit_id == person.work_unit_id or (
                requirement.work_unit_id is None
                and requirement.district_id == person.district_id
                and requirement.position_title == person.position_title
            ):
                needed.add(requirement.competency)
        needed |= {need.competency for need in IndividualNeed.objects.filter(civil_servant=person)}
        for competency in needed:
            developing = set(competency.programs.values_list("pk", flat=True))
            met = False
            for record in CompletionRecord.objects.filter(civil_servant=person, passed=True):
                years = competency.validity_years
                fresh = years is None or record.completion_date >= needs.since(on, years)
                met |= record.program_id in developing and fresh
            rows.add((person.pk, person.work_unit_id, competency.pk, met))
    return rows


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=WORLD)
def test_need_rows_match_brute_force_oracle(world, data):
    with transaction.atomic():
        build(world, data)
        people = CivilServant.objects.filter(district=world["people"][0].district)
        assert set(needs.need_rows(people, on=ON)) == oracle(list(people), ON)
        cells = {
            (c.work_unit_id, c.competency_id): (c.needing, c.lacking)
            for c in needs.gap_matrix(people, on=ON)
        }
        expected = {}
        for _person, unit, competency, met in oracle(list(people), ON):
            needing, lacking = expected.get((unit, competency), (0, 0))
            expected[(unit, competency)] = (needing + 1, lacking + (not met))
        assert cells == expected
        transaction.set_rollback(True)


def test_completion_expires_after_validity_years(world):
    person, competency, program = world["people"][0], world["competencies"][0], world["programs"][0]
    competency.validity_years = 3
    competency.save()
    competency.programs.add(program)
    IndividualNeed.objects.create(competency=competency, civil_servant=person)
    record = CompletionRecordFactory(
        civil_servant=person, program=program, completion_date=datetime.date(2023, 6, 15)
    )
    people = CivilServant.objects.filter(pk=person.pk)
    assert needs.need_rows(people, on=ON) == [(person.pk, person.work_unit_id, competency.pk, True)]
    record.completion_date = datetime.date(2023, 6, 14)
    record.save()
    assert needs.need_rows(people, on=ON) == [
        (person.pk, person.work_unit_id, competency.pk, False)
    ]


def test_lacking_ids_lists_only_people_without_completion(world):
    competency, program = world["competencies"][1], world["programs"][1]
    competency.programs.add(program)
    CompetencyRequirement.objects.create(
        competency=competency, district=competency.district, work_unit=world["units"][0]
    )
    done, lacking = world["people"][0], world["people"][3]  # both in unit 0
    CompletionRecordFactory(civil_servant=done, program=program, completion_date=ON)
    people = CivilServant.objects.filter(district=competency.district)
    ids = needs.lacking_ids(people, on=ON, competency_id=competency.pk)
    assert list(people.filter(pk__in=ids).values_list("pk", flat=True)) == [lacking.pk]


def _district_of(size):
    home = district("asemrowo")
    units = [WorkUnitFactory(district=home) for _ in range(5)]
    competencies = [
        Competency.objects.create(
            district=home, name=f"K{n}", kind="teknis", validity_years=n or None
        )
        for n in range(4)
    ]
    program = ProgramFactory(district=home)
    for competency in competencies:
        competency.programs.add(program)
        for unit in units:
            CompetencyRequirement.objects.create(
                competency=competency, district=home, work_unit=unit
            )
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"gap{n}") for n in range(size)]
    )
    people = CivilServant.objects.bulk_create(
        [
            CivilServant(
                user=user,
                nip=make_nip(
                    n, birth=datetime.date(1980, 1, 1) + datetime.timedelta(days=n // 999)
                ),
                asn_type="PNS",
                name=f"Pegawai {n}",
                gender="male",
                birth_date=datetime.date(1980, 1, 1) + datetime.timedelta(days=n // 999),
                rank="III/a",
                position_type="pelaksana",
                position_title="Pengadministrasi",
                district=home,
                work_unit=units[0],
            )
            for n, user in enumerate(users)
        ]
    )
    CompletionRecord.objects.bulk_create(
        [
            CompletionRecord(
                civil_servant=person,
                program=program,
                district=home,
                completion_date=ON,
                jp_credited=8,
                passed=True,
            )
            for person in people[::2]
        ]
    )
    return CivilServant.objects.filter(district=home)


def _queries(people):
    with CaptureQueriesContext(connection) as captured:
        needs.gap_matrix(people, on=ON)
    return len(captured)


@pytest.mark.parametrize("size", [10, 1000])
def test_gap_matrix_query_count_constant_for_10_and_1000_people(size):
    people = _district_of(size)
    assert _queries(people) == 2
    cell = next(c for c in needs.gap_matrix(people, on=ON) if c.needing)
    assert (cell.needing, cell.lacking) == (size, size // 2)
