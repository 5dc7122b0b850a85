"""The dashboard summaries refreshed by a real ``celery worker`` through Redis (PostgreSQL).

The worker is another process: it must see the test's rows (PostgreSQL) and
write the summaries to a cache the test process reads: Redis, by default the
run's own test database (``CELERY_TEST_BROKER_URL``), which the worker harness
empties before and after, so that no summary of an earlier run passes for this one's.
"""

import datetime
import os

import pytest
from django.utils import timezone

from tests.celery_harness import TEST_BROKER_URL, running_worker, wait_for
from tests.factories import CivilServantFactory, CompletionRecordFactory, district, hr_officer
from training.services.dashboards import store
from training.services.dashboards.access import viewer_for
from training.services.dashboards.tasks import refresh_dashboard_summaries

BROKER = TEST_BROKER_URL
CACHE = os.environ.get("DASHBOARDS_TEST_CACHE_URL", TEST_BROKER_URL)

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def dashboard_worker(smtp_sink, worker_database, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE}
    }
    with running_worker(
        BROKER,
        smtp_port=smtp_sink.port,
        database_url=worker_database,
        extra_env={"REDIS_URL": CACHE},
    ) as worker:
        from django.core.cache import cache

        cache.clear()  # also when DASHBOARDS_TEST_CACHE_URL names another database
        yield worker


def test_refresh_task_runs_in_the_worker_and_the_page_reads_its_summary(dashboard_worker):
    mulyorejo = district("mulyorejo")
    officer = hr_officer(mulyorejo)
    person = CivilServantFactory(district=mulyorejo)
    CompletionRecordFactory(
        civil_servant=person, completion_date=datetime.date(timezone.now().year, 1, 2)
    )
    viewer = viewer_for(officer.user)

    refresh_dashboard_summaries.delay()

    now = timezone.now()
    assert wait_for(lambda: store.snapshot(viewer, now.year, timezone.now()) is not None)
    stored = store.snapshot(viewer, now.year, timezone.now())
    people = sum(row["people"] for row in stored.parts["_attainment_rows"])
    assert people == 2
    assert abs(stored.computed_at - now) < datetime.timedelta(minutes=1)
