"""The batched write of schedule entries behind the API's roster upsert and the HR import."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from districts.models import ScheduleEntry
from tests import factories as f
from tests.training.api_helpers import client_with, token_for
from training.services import imports, reminders, schedule_writes

pytestmark = pytest.mark.django_db

ROSTER = "/api/v1/schedule-entries/bulk/"
# Measured on PostgreSQL and SQLite alike, whatever the number of rows up to
# schedule_writes.CHUNK: 14 queries for a call that creates entries, 16 when
# some of its entries are rewritten too (they are read locked, then updated).
MOST_QUERIES = 16


@pytest.fixture
def hr_a():
    return f.hr_officer(f.district("mulyorejo"))


@pytest.fixture
def rechecked(monkeypatch):
    calls = []
    monkeypatch.setattr(
        reminders, "queue_people_recheck", lambda ids, now=None: calls.append(sorted(set(ids)))
    )
    return calls


def _shifts(people, numbers, *, hour=7) -> list[dict]:
    """Shift ``n`` of ``numbers``: person ``n % len(people)``, on day ``n`` from a session day."""
    first = datetime.datetime.combine(f.session_day(), datetime.time(hour))
    rows = []
    for n in numbers:
        start = first + datetime.timedelta(days=n)
        rows.append(
            {
                "external_id": f"R-{n}",
                "nip": people[n % len(people)].nip,
                "kind": "Shift dinas",
                "start": f"{start:%Y-%m-%dT%H:%M}",
                "end": f"{start + datetime.timedelta(hours=7):%Y-%m-%dT%H:%M}",
                "note": "Loket",
            }
        )
    return rows


def _post(client, rows) -> tuple[dict, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(ROSTER, {"district": "mulyorejo", "rows": rows}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["counts"], [query["sql"] for query in queries.captured_queries]


def test_schedule_upsert_costs_the_same_queries_for_10_and_200_entries(hr_a, rechecked):
    people = [f.CivilServantFactory(district=hr_a.district) for _ in range(5)]
    client = client_with(token_for(hr_a.user))
    _post(client, _shifts(people, [0]))  # the first call records the token's use

    ten, ten_queries = _post(client, _shifts(people, range(10, 20)))
    many, many_queries = _post(client, _shifts(people, range(100, 300)))

    assert ten == {"create": 10, "update": 0, "reject": 0}
    assert many == {"create": 200, "update": 0, "reject": 0}
    assert len(ten_queries) == len(many_queries) <= MOST_QUERIES

    # Mixed: half of each call moves entries to the afternoon, half creates.
    ten, ten_queries = _post(client, _shifts(people, range(15, 25), hour=14))
    many, many_queries = _post(client, _shifts(people, range(200, 400), hour=14))

    assert ten == {"create": 5, "update": 5, "reject": 0}
    assert many == {"create": 100, "update": 100, "reject": 0}
    assert len(ten_queries) == len(many_queries) <= MOST_QUERIES
    afternoon = [
        entry.start.astimezone(f.JAKARTA).hour
        for entry in ScheduleEntry.objects.filter(external_id__in=["R-15", "R-299", "R-399"])
    ]
    assert afternoon == [14, 14, 14]
    morning = ScheduleEntry.objects.get(external_id="R-199")
    assert morning.start.astimezone(f.JAKARTA).hour == 7
    assert ScheduleEntry.objects.count() == 1 + 15 + 300
    assert rechecked[-1] == sorted(person.pk for person in people)


def test_schedule_upsert_run_twice_writes_nothing_the_second_time(hr_a, rechecked):
    people = [f.CivilServantFactory(district=hr_a.district) for _ in range(3)]
    client = client_with(token_for(hr_a.user))
    rows = _shifts(people, range(30))
    _post(client, rows)
    before = list(ScheduleEntry.objects.order_by("pk").values())

    again, queries = _post(client, rows)

    assert again == {"create": 0, "update": 30, "reject": 0}
    assert list(ScheduleEntry.objects.order_by("pk").values()) == before
    written = [
        sql
        for sql in queries
        if sql.startswith(("INSERT", "UPDATE", "WITH")) and "districts_scheduleentry" in sql
    ]
    assert written == []
    # As the import does, every call that writes asks for the clashes to be re-checked.
    assert rechecked == [sorted(person.pk for person in people)] * 2


def _added_meanwhile(rows, people):
    values = rows[2]["values"]
    ScheduleEntry.objects.create(
        civil_servant_id=values["civil_servant_id"],
        kind=values["kind"],
        start=datetime.datetime.fromisoformat(values["start"]),
        end=datetime.datetime.fromisoformat(values["end"]),
    )


def _person_gone(rows, people):
    rows[2]["values"]["civil_servant_id"] = max(person.pk for person in people) + 1000


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(_added_meanwhile, "sudah ada di jadwal", id="added_meanwhile"),
        pytest.param(_person_gone, "bukan pilihan sah", id="person_gone"),
    ],
)
def test_a_schedule_row_the_database_no_longer_allows_is_refused_by_number(hr_a, change, message):
    people = [f.CivilServantFactory(district=hr_a.district) for _ in range(2)]
    table = [(n, row) for n, row in enumerate(_shifts(people, range(5)), start=1)]
    accepted = imports.preview_schedule(district=hr_a.district, table=table)["rows"]
    assert [item["row"] for item in accepted if item["action"] == "reject"] == []
    change(accepted, people)
    before = list(ScheduleEntry.objects.order_by("pk").values())

    with pytest.raises(ValidationError) as refused, transaction.atomic():
        schedule_writes.write_entries(accepted, actor=hr_a.user, now=f.at(f.session_day(), 6))

    assert refused.value.messages[0].startswith("baris 3: ")
    assert message in refused.value.messages[0]
    assert list(ScheduleEntry.objects.order_by("pk").values()) == before
