"""The fanned-out scan through a real Redis broker and a real ``celery worker`` whose
prefork pool runs two district scans at once: every reminder recorded once and mailed
once, though the dispatcher runs twice and every district's scan is queued twice more."""

import datetime
import os

import pytest

from tests.celery_harness import changes_within, running_worker, wait_until_drained
from tests.factories import (
    CivilServantFactory,
    EnrollmentFactory,
    ScheduleEntryFactory,
    SessionFactory,
    at,
    district,
    next_working_day,
)
from training.models import Reminder
from training.services.reminders import Kind
from training.services.tasks import scan_conflicts, scan_district

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/5")
SLUGS = ["mulyorejo", "asemrowo", "plaju", "sawahlunto"]

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("without_shipped_holidays"),
]


@pytest.fixture
def worker(smtp_sink, worker_database):
    with running_worker(
        BROKER, smtp_port=smtp_sink.port, database_url=worker_database, concurrency=2
    ) as worker:
        yield worker


def make_clashes(per_district: int) -> list:
    """``per_district`` people with a clash in each of the four places (dates from today)."""
    start = at(next_working_day(days=8), 8)
    places = [district(slug) for slug in SLUGS]
    for place in places:
        session = SessionFactory(
            district=place, start=start, end=start + datetime.timedelta(hours=4), capacity=50
        )
        for _ in range(per_district):
            person = CivilServantFactory(district=place)
            EnrollmentFactory(session=session, civil_servant=person)
            ScheduleEntryFactory(
                civil_servant=person,
                start=start - datetime.timedelta(hours=1),
                end=start + datetime.timedelta(hours=2),
            )
    return places


def state():
    return list(Reminder.objects.order_by("pk").values_list("pk", "status", "attempts", "sent_at"))


def test_fanned_out_scan_through_a_worker_of_two_processes(worker, smtp_sink):
    places = make_clashes(5)

    scan_conflicts.delay()
    scan_conflicts.delay()  # a second beat while the first's scans may still run
    for place in places:
        scan_district.delay(place.pk)
        scan_district.delay(place.pk)

    def all_sent() -> bool:
        return (
            Reminder.objects.filter(kind=Kind.CONFLICT, status=Reminder.Status.SENT).count() == 20
        )

    assert wait_until_drained(worker.broker, all_sent, timeout=120)
    assert changes_within(lambda: (state(), smtp_sink.reminder_ids())) is None
    rows = Reminder.objects.filter(kind=Kind.CONFLICT)
    assert rows.count() == 20
    assert {row.enrollment.civil_servant.district_id for row in rows} == {p.pk for p in places}
    # Each reminder mailed exactly once (one person, one clash: one mail each).
    assert sorted(smtp_sink.reminder_ids()) == sorted(
        str(pk) for pk in rows.values_list("pk", flat=True)
    )
    assert Reminder.objects.count() == 20
