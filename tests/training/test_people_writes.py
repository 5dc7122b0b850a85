"""The batched write of people behind the API's bulk upsert and the HR personnel import."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from districts.models import CivilServant, WorkUnit
from tests import factories as f
from tests.training.api_helpers import BIRTH, client_with, person_row, token_for
from training.services import imports, people_writes

pytestmark = pytest.mark.django_db

BULK = "/api/v1/people/bulk/"
# Measured on PostgreSQL and SQLite alike, whatever the number of rows up to
# people_writes.CHUNK: 20 queries for a call that creates people under a
# supervisor (the token and its owner's scope 5, the preview 4, the savepoint
# and its release 2, the write 8, the audit entry 1); 21 when some people of
# the call change too (their update).
MOST_QUERIES = 21


@pytest.fixture
def hr_a():
    return f.hr_officer(f.district("mulyorejo"))


@pytest.fixture
def unit():
    return f.WorkUnitFactory(district=f.district("mulyorejo"), code="KEC", name="Kantor")


def _rows(numbers, *, boss="", **changes) -> list[dict]:
    """People ``numbers``: the first reports to ``boss``, every other one to the first."""
    first = person_row(numbers[0])["nip"]
    return [person_row(n, boss=boss if n == numbers[0] else first, **changes) for n in numbers]


def _post(client, rows) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(BULK, {"district": "mulyorejo", "rows": rows}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["counts"], len(queries)


def test_people_upsert_costs_the_same_queries_for_10_and_200_people(hr_a, unit):
    outsider = f.CivilServantFactory(district=hr_a.district, work_unit=unit)
    client = client_with(token_for(hr_a.user))
    _post(client, [person_row(1)])  # the first call records the token's use

    ten, ten_queries = _post(client, _rows(range(10, 20), boss=outsider.nip))
    many, many_queries = _post(client, _rows(range(100, 300), boss=outsider.nip))

    assert ten == {"create": 10, "update": 0, "reject": 0}
    assert many == {"create": 200, "update": 0, "reject": 0}
    assert ten_queries == many_queries <= MOST_QUERIES
    head = CivilServant.objects.get(nip=person_row(100)["nip"])
    assert head.supervisor == outsider
    assert head.direct_reports.count() == 199

    # Mixed: half of each call updates people (renamed, under a new head), half creates.
    ten, ten_queries = _post(
        client, _rows([*range(15, 20), *range(20, 25)], name="Berganti", boss=outsider.nip)
    )
    many, many_queries = _post(
        client, _rows([*range(200, 300), *range(300, 400)], name="Berganti", boss=outsider.nip)
    )

    assert ten == {"create": 5, "update": 5, "reject": 0}
    assert many == {"create": 100, "update": 100, "reject": 0}
    assert ten_queries == many_queries <= MOST_QUERIES
    renamed = CivilServant.objects.filter(name="Berganti", birth_date=BIRTH, work_unit=unit)
    assert renamed.count() == 210
    assert CivilServant.objects.filter(supervisor__nip=person_row(200)["nip"]).count() == 199
    assert CivilServant.objects.filter(nip=person_row(299)["nip"], name="Berganti").exists()
    assert CivilServant.objects.filter(
        nip=person_row(100)["nip"], name="Pegawai Sinkron 100"
    ).exists()


def _snapshot() -> list[dict]:
    return list(CivilServant.objects.order_by("nip").values())


def test_people_upsert_run_twice_writes_nothing_the_second_time(hr_a, unit):
    client = client_with(token_for(hr_a.user))
    rows = _rows(range(1, 51))
    first, _queries = _post(client, rows)
    before = _snapshot()

    with CaptureQueriesContext(connection) as queries:
        again = client.post(BULK, {"district": "mulyorejo", "rows": rows}, format="json")

    assert first == {"create": 50, "update": 0, "reject": 0}
    assert again.json()["counts"] == {"create": 0, "update": 50, "reject": 0}
    assert _snapshot() == before
    written = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith(("INSERT", "UPDATE", "WITH"))
        and ("districts_civilservant" in query["sql"] or "auth_user" in query["sql"])
    ]
    assert written == []
    assert get_user_model().objects.filter(username__in=[row["nip"] for row in rows]).count() == 50


def test_a_bad_row_among_200_gives_its_number_and_reason(hr_a, unit):
    client = client_with(token_for(hr_a.user))
    rows = _rows(range(100, 300))
    rows[136]["rank"] = "IX/z"

    response = client.post(BULK, {"district": "mulyorejo", "rows": rows}, format="json")

    assert response.status_code == 422
    rejected = response.json()["rows"]
    assert [(row["row"], row["errors"][0]["column"]) for row in rejected] == [
        (137, "Pangkat/Golongan")
    ]
    assert rejected[0]["errors"][0]["message"] == "“IX/z” bukan pangkat/golongan untuk PNS."
    assert not CivilServant.objects.filter(nip__in=[row["nip"] for row in rows]).exists()


def _login_taken(rows, outsider):
    get_user_model().objects.create(username=rows[3]["values"]["nip"])


def _unit_gone(rows, outsider):
    other = WorkUnit.objects.create(district=outsider.district, code="LAIN", name="Lain")
    rows[3]["values"]["work_unit_id"] = other.pk
    other.delete()


def _supervisor_gone(rows, outsider):
    rows[3]["values"]["supervisor_nip"] = f.make_nip(900, birth=datetime.date(1980, 1, 1))


def _loop(rows, outsider):
    # Meanwhile the outsider, whom the file's head is to report to, came to
    # report to one of the head's own people.
    outsider.supervisor = CivilServant.objects.get(nip=rows[1]["values"]["nip"])
    outsider.save()


@pytest.mark.parametrize(
    ("change", "row", "message"),
    [
        pytest.param(_login_taken, 4, "NIP ini tidak dapat diimpor di wilayah ini.", id="login"),
        pytest.param(_unit_gone, 4, "bukan pilihan sah", id="unit_gone"),
        pytest.param(_supervisor_gone, 4, "sudah tidak ada", id="supervisor_gone"),
        pytest.param(_loop, 1, "garis pelaporan akan berputar", id="loop"),
    ],
)
def test_a_row_the_database_no_longer_allows_is_refused_by_number(hr_a, unit, change, row, message):
    outsider = f.CivilServantFactory(district=hr_a.district, work_unit=unit)
    numbers = range(1, 6)
    if change is _loop:  # the people exist already, under their head
        client_with(token_for(hr_a.user)).post(
            BULK, {"district": "mulyorejo", "rows": _rows(numbers)}, format="json"
        )
    table = list(enumerate(_rows(numbers, boss=outsider.nip), start=1))
    accepted = imports.preview_personnel(district=hr_a.district, table=table)["rows"]
    assert [item["row"] for item in accepted if item["action"] == "reject"] == []
    change(accepted, outsider)
    before = _snapshot()

    with pytest.raises(ValidationError) as refused, transaction.atomic():
        people_writes.write_people(hr_a.district, accepted)

    assert refused.value.messages[0].startswith(f"baris {row}: ")
    assert message in refused.value.messages[0]
    assert _snapshot() == before


def test_bulk_write_queues_the_districts_gap_matrix(hr_a, unit, django_capture_on_commit_callbacks):
    """Bulk inserts send no model signal: the write itself queues the gap refresh."""
    from training.models import GapSummary

    client = client_with(token_for(hr_a.user))
    with django_capture_on_commit_callbacks(execute=True):
        counts, _ = _post(client, _rows(range(10, 15)))

    assert counts == {"create": 5, "update": 0, "reject": 0}
    assert list(GapSummary.objects.values_list("district", flat=True)) == [hr_a.district.pk]
