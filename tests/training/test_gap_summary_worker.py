"""A change to a district's needs refreshes its stored gap matrix in a real ``celery worker``
(through Redis, after the debounce delay), and the page then reads it (PostgreSQL)."""

import pytest
from django.urls import reverse

from tests.celery_harness import TEST_BROKER_URL, running_worker, wait_for
from tests.factories import CivilServantFactory, WorkUnitFactory, district, hr_officer
from training.models import Competency, CompetencyRequirement, GapSummary, GapSummaryCell

BROKER = TEST_BROKER_URL

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def gap_worker(smtp_sink, worker_database, settings):
    settings.GAP_REFRESH_DELAY = 1
    with running_worker(BROKER, smtp_port=smtp_sink.port, database_url=worker_database) as worker:
        yield worker


def test_change_is_refreshed_by_the_worker_after_the_delay(gap_worker, client):
    home = district("mulyorejo")
    unit = WorkUnitFactory(district=home, name="Seksi Pelayanan")
    competency = Competency.objects.create(district=home, name="Layanan", kind="teknis")
    CivilServantFactory(district=home, work_unit=unit)
    # Committed at once (no test transaction): each change queues, debounced.
    CompetencyRequirement.objects.create(competency=competency, district=home, work_unit=unit)

    def refreshed() -> bool:
        cells = GapSummaryCell.objects.filter(summary__district=home)
        return list(cells.values_list("work_unit", "competency", "needing", "lacking")) == [
            (unit.pk, competency.pk, 1, 1)
        ]

    assert wait_for(refreshed)
    assert GapSummary.objects.filter(district=home).count() == 1
    client.force_login(hr_officer(home).user)
    response = client.get(reverse("training:gaps"))
    assert response.context["freshness"].startswith("Angka per ")
