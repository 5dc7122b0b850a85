"""The stored gap matrix: equal to the live computation, refreshed for the right district
on a change, read by the page with constant queries, and said on the page when computed."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from districts.localtime import format_datetime
from districts.models import CivilServant
from tests.factories import (
    CivilServantFactory,
    CompletionRecordFactory,
    ProgramFactory,
    WorkUnitFactory,
    district,
    hr_officer,
)
from tests.training.test_needs import WORLD, build, oracle, world  # noqa: F401 - fixture
from tests.training.test_needs import _district_of as district_of_size
from training.models import (
    Competency,
    CompetencyRequirement,
    GapSummary,
    GapSummaryCell,
    IndividualNeed,
)
from training.services import gap_summary, needs

pytestmark = pytest.mark.django_db

# 09.00 WIB on the oracle's day (test_needs.ON): the refresh counts validity from it.
NOW = datetime.datetime(2026, 6, 15, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta"))


def stored(district_id: int) -> dict:
    return {
        (c.work_unit_id, c.competency_id): (c.needing, c.lacking)
        for c in GapSummaryCell.objects.filter(summary__district_id=district_id)
    }


def live(district_id: int, on: datetime.date) -> dict:
    return {
        (c.work_unit_id, c.competency_id): (c.needing, c.lacking)
        for c in needs.gap_matrix(gap_summary.district_people(district_id), on=on)
    }


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=WORLD, inactive=st.sets(st.integers(0, 5)))
def test_stored_matrix_after_refresh_equals_live_and_oracle(world, data, inactive):  # noqa: F811
    with transaction.atomic():
        build(world, data)
        home = world["people"][0].district
        CivilServant.objects.filter(pk__in=[world["people"][n].pk for n in inactive]).update(
            is_active=False
        )
        gap_summary.refresh(home.pk, now=NOW)
        on = NOW.date()
        expected = {}
        for _person, unit, competency, met in oracle(
            list(CivilServant.objects.filter(district=home, is_active=True)), on
        ):
            needing, lacking = expected.get((unit, competency), (0, 0))
            expected[(unit, competency)] = (needing + 1, lacking + (not met))
        assert stored(home.pk) == live(home.pk, on) == expected
        summary = GapSummary.objects.get(district=home)
        assert (summary.computed_at, summary.on) == (NOW, on)
        transaction.set_rollback(True)


def test_refresh_twice_replaces_the_cells(world):  # noqa: F811
    home, unit = world["people"][0].district, world["units"][0]
    competency = world["competencies"][0]
    CompetencyRequirement.objects.create(competency=competency, district=home, work_unit=unit)
    gap_summary.refresh(home.pk, now=NOW)
    assert stored(home.pk) == {(unit.pk, competency.pk): (2, 2)}
    competency.programs.add(world["programs"][0])
    CompletionRecordFactory(
        civil_servant=world["people"][0], program=world["programs"][0], completion_date=NOW.date()
    )
    gap_summary.refresh(home.pk, now=NOW + datetime.timedelta(minutes=15))
    assert stored(home.pk) == {(unit.pk, competency.pk): (2, 1)}
    assert GapSummary.objects.filter(district=home).count() == 1


# A change queues the refresh of its district --------------------------------------


@pytest.fixture
def two_districts():
    home, far = district("mulyorejo"), district("plaju")
    unit = WorkUnitFactory(district=home)
    competency = Competency.objects.create(district=home, name="Layanan", kind="teknis")
    program = ProgramFactory(district=home)
    person = CivilServantFactory(district=home, work_unit=unit)
    CivilServantFactory(district=far)
    return {
        "home": home,
        "far": far,
        "unit": unit,
        "competency": competency,
        "program": program,
        "person": person,
    }


CHANGES = {
    "requirement": lambda w: CompetencyRequirement.objects.create(
        competency=w["competency"], district=w["home"], work_unit=w["unit"]
    ),
    "individual need": lambda w: IndividualNeed.objects.create(
        competency=w["competency"], civil_servant=w["person"]
    ),
    "completion": lambda w: CompletionRecordFactory(
        civil_servant=w["person"], program=w["program"]
    ),
    "person": lambda w: CivilServantFactory(district=w["home"], work_unit=w["unit"]),
    "competency": lambda w: Competency.objects.create(
        district=w["home"], name="Baru", kind="teknis"
    ),
    "programs of a competency": lambda w: w["competency"].programs.add(w["program"]),
    "competencies of a program": lambda w: w["program"].competencies.add(w["competency"]),
    "deleted need": lambda w: IndividualNeed.objects.create(
        competency=w["competency"], civil_servant=w["person"]
    ).delete(),
}


@pytest.mark.parametrize("change", CHANGES)
def test_change_refreshes_only_its_district(
    two_districts, change, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        CHANGES[change](two_districts)
    assert list(GapSummary.objects.values_list("district", flat=True)) == [two_districts["home"].pk]


def test_change_refresh_shows_the_new_figures(two_districts, django_capture_on_commit_callbacks):
    w = two_districts
    CompetencyRequirement.objects.create(
        competency=w["competency"], district=w["home"], work_unit=w["unit"]
    )
    w["competency"].programs.add(w["program"])
    with django_capture_on_commit_callbacks(execute=True):
        CompletionRecordFactory(
            civil_servant=w["person"], program=w["program"], completion_date=timezone.localdate()
        )
    assert stored(w["home"].pk) == {(w["unit"].pk, w["competency"].pk): (1, 0)}


def test_changes_within_the_delay_queue_one_refresh(two_districts, monkeypatch, settings):
    from asnportal.celery import app

    settings.GAP_REFRESH_DELAY = 60  # the production delay (the suite runs with 1 s)

    app.conf.task_always_eager = False  # as with a broker and a worker (conftest resets it)
    queued = []
    monkeypatch.setattr(gap_summary, "enqueue", lambda *args, **kwargs: queued.append(args) or True)
    home, far = two_districts["home"].pk, two_districts["far"].pk
    assert gap_summary.queue_refresh([home]) == [home]
    assert gap_summary.queue_refresh([home, far]) == [far]
    assert queued == [(gap_summary.REFRESH_TASK, home), (gap_summary.REFRESH_TASK, far)]


def test_eager_refresh_is_not_debounced(two_districts, django_capture_on_commit_callbacks):
    w = two_districts
    with django_capture_on_commit_callbacks(execute=True):
        CompetencyRequirement.objects.create(
            competency=w["competency"], district=w["home"], work_unit=w["unit"]
        )
    with django_capture_on_commit_callbacks(execute=True):
        CivilServantFactory(district=w["home"], work_unit=w["unit"])
    assert stored(w["home"].pk) == {(w["unit"].pk, w["competency"].pk): (2, 2)}


def test_broker_down_lets_the_next_change_queue_again(two_districts, monkeypatch):
    from asnportal.celery import app

    app.conf.task_always_eager = False
    attempts = []
    monkeypatch.setattr(
        gap_summary, "enqueue", lambda *args, **kwargs: attempts.append(args) and False
    )
    home = two_districts["home"].pk
    assert gap_summary.queue_refresh([home]) == []
    assert gap_summary.queue_refresh([home]) == []
    assert len(attempts) == 2


def test_older_refresh_does_not_overwrite_a_newer_one(world):  # noqa: F811
    home = world["people"][0].district
    gap_summary.refresh(home.pk, now=NOW)
    gap_summary.refresh(home.pk, now=NOW - datetime.timedelta(minutes=1))
    assert GapSummary.objects.get(district=home).computed_at == NOW


def test_rolled_back_change_queues_nothing(two_districts, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        CivilServantFactory(district=two_districts["home"])
        transaction.set_rollback(True)
    assert callbacks == []
    assert not GapSummary.objects.exists()


def test_beat_task_refreshes_every_district(two_districts):
    from training.services.tasks import refresh_gap_summaries

    refresh_gap_summaries.delay(now=NOW.isoformat())
    districts = set(GapSummary.objects.values_list("district", flat=True))
    assert {two_districts["home"].pk, two_districts["far"].pk} <= districts
    assert set(GapSummary.objects.values_list("computed_at", flat=True)) == {NOW}


# The page ------------------------------------------------------------------------


@pytest.fixture
def gap_world():
    """Mulyorejo: unit U requires "Layanan" of A (lacking) and B (done); Plaju: its own."""
    home, far = district("mulyorejo"), district("plaju")
    unit = WorkUnitFactory(district=home, name="Seksi Pelayanan")
    competency = Competency.objects.create(district=home, name="Layanan", kind="teknis")
    program = ProgramFactory(district=home)
    competency.programs.add(program)
    CompetencyRequirement.objects.create(competency=competency, district=home, work_unit=unit)
    CivilServantFactory(district=home, work_unit=unit, name="Adi")
    done = CivilServantFactory(district=home, work_unit=unit, name="Bunga")
    CompletionRecordFactory(civil_servant=done, program=program)
    far_unit = WorkUnitFactory(district=far, name="Seksi Jauh")
    foreign = Competency.objects.create(district=far, name="Asing", kind="teknis")
    CompetencyRequirement.objects.create(competency=foreign, district=far, work_unit=far_unit)
    CivilServantFactory(district=far, work_unit=far_unit)
    return {"home": home, "far": far, "unit": unit, "competency": competency}


def _cells(response) -> list[tuple]:
    matrix = response.context["matrix"]
    return [
        (row["unit"].pk, competency.pk, cell.needing, cell.lacking)
        for row in matrix.rows
        for competency, cell in zip(matrix.competencies, row["cells"], strict=True)
        if cell
    ]


def test_page_reads_the_stored_matrix_and_says_when(hr_client, gap_world):
    live_response = hr_client.get(reverse("training:gaps"))
    computed_at = timezone.now()
    gap_summary.refresh(gap_world["home"].pk, now=computed_at)
    with CaptureQueriesContext(connection) as queries:
        response = hr_client.get(reverse("training:gaps"))
    assert not [q for q in queries.captured_queries if "windows(competency_id" in q["sql"]]
    assert (
        _cells(response)
        == _cells(live_response)
        == [(gap_world["unit"].pk, gap_world["competency"].pk, 2, 1)]
    )
    when = format_datetime(computed_at, "Asia/Jakarta")
    assert response.context["freshness"] == (
        f"Angka per {when}; dihitung ulang setiap 15 menit dan segera setelah ada perubahan."
    )
    assert when in response.content.decode()


def test_page_without_summary_computes_live_and_says_so(hr_client, gap_world):
    with time_machine.travel(NOW, tick=False):
        response = hr_client.get(reverse("training:gaps"))
    assert _cells(response) == [(gap_world["unit"].pk, gap_world["competency"].pk, 2, 1)]
    assert response.context["freshness"] == (
        f"Angka dihitung saat ini, {format_datetime(NOW, 'Asia/Jakarta')}."
    )


@pytest.mark.parametrize(
    "computed_at",
    [
        pytest.param(lambda now: now - datetime.timedelta(minutes=61), id="older than max age"),
        pytest.param(lambda now: now - datetime.timedelta(days=1), id="another day"),
    ],
)
def test_stale_summary_is_not_used(hr_client, gap_world, computed_at):
    with time_machine.travel(NOW, tick=False):
        gap_summary.refresh(gap_world["home"].pk, now=computed_at(NOW))
        GapSummaryCell.objects.update(lacking=0)  # what the page must not show
        response = hr_client.get(reverse("training:gaps"))
    assert _cells(response) == [(gap_world["unit"].pk, gap_world["competency"].pk, 2, 1)]
    assert response.context["freshness"].startswith("Angka dihitung saat ini")


def test_summary_of_one_unit_filters_the_stored_cells(hr_client, gap_world):
    other = WorkUnitFactory(district=gap_world["home"], name="Seksi Umum")
    CompetencyRequirement.objects.create(
        competency=gap_world["competency"], district=gap_world["home"], work_unit=other
    )
    CivilServantFactory(district=gap_world["home"], work_unit=other)
    gap_summary.refresh(gap_world["home"].pk, now=timezone.now())
    response = hr_client.get(reverse("training:gaps"), {"unit": other.pk})
    assert _cells(response) == [(other.pk, gap_world["competency"].pk, 1, 1)]
    assert response.context["freshness"].startswith("Angka per ")


def test_administrator_sees_one_line_per_district_linking_to_its_matrix(admin_client, gap_world):
    computed_at = timezone.now()
    gap_summary.refresh(gap_world["home"].pk, now=computed_at)  # Plaju: none, computed live
    response = admin_client.get(reverse("training:gaps"), {"as": "admin"})
    assert "matrix" not in response.context
    lines = {item["line"].district.slug: item for item in response.context["overview"]}
    home, far = lines["mulyorejo"], lines["plaju"]
    assert (home["line"].needing, home["line"].lacking, home["share"]) == (2, 1, "50,0 %")
    assert [(g["competency"].name, g["lacking"], g["needing"]) for g in home["line"].top] == [
        ("Layanan", 1, 2)
    ]
    assert home["freshness"].startswith(f"Angka per {format_datetime(computed_at, 'Asia/Jakarta')}")
    assert (far["line"].needing, far["line"].lacking) == (1, 1)
    assert far["freshness"].startswith("Angka dihitung saat ini")
    assert home["href"] == f"{reverse('training:gaps')}?as=admin&district={gap_world['home'].pk}"
    matrix = admin_client.get(home["href"])
    assert _cells(matrix) == [(gap_world["unit"].pk, gap_world["competency"].pk, 2, 1)]


def test_hr_of_two_districts_sees_only_theirs_in_the_overview(client, gap_world):
    third = district("asemrowo")
    client.force_login(hr_officer(gap_world["home"], third).user)
    response = client.get(reverse("training:gaps"))
    slugs = [item["line"].district.slug for item in response.context["overview"]]
    assert sorted(slugs) == ["asemrowo", "mulyorejo"]
    assert (
        client.get(reverse("training:gaps"), {"district": gap_world["far"].pk}).status_code == 400
    )


def test_export_reads_the_stored_matrix(hr_client, gap_world):
    gap_summary.refresh(gap_world["home"].pk, now=timezone.now())
    GapSummaryCell.objects.update(lacking=0)  # only the stored figures say 0
    response = hr_client.get(reverse("training:gaps-export", args=["csv"]))
    assert response.content.decode("utf-8-sig").splitlines()[1].split(";")[3:5] == ["2", "0"]


def _page_queries(client, url, params) -> int:
    client.get(url, params)  # the session and the user's groups are read once per test anyway
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("size", [10, 1000])
def test_page_query_counts_constant_for_10_and_1000_people(client, size):
    people = district_of_size(size)
    home = people.first().district
    far = district("plaju")
    user = hr_officer(home, far).user
    client.force_login(user)
    admin = get_user_model().objects.create(username="root", is_superuser=True, is_staff=True)
    gap_summary.refresh(home.pk, now=timezone.now())
    url = reverse("training:gaps")
    counts = (
        _page_queries(client, url, {"district": home.pk}),  # stored matrix
        _page_queries(client, url, {}),  # overview: stored and live lines
    )
    client.force_login(admin)
    counts += (_page_queries(client, url, {"as": "admin"}),)
    # The same for both sizes: the stored matrix, the overview of HR's two districts
    # (one stored, one live), the administrator's of every district.
    assert counts == (17, 18, 14)
