"""Reminders through a real Redis broker, a real ``celery worker`` and an SMTP server.

The worker is another process and must see the rows the test writes; on SQLite
the test switches to a migrated database file the worker shares (``worker_database``,
see ``tests/celery_harness.py``).
"""

import datetime
import os
import signal
import time

import pytest
from django.conf import settings
from django.utils import timezone

from tests.celery_harness import running_worker, wait_for
from tests.factories import (
    CivilServantFactory,
    EnrollmentFactory,
    ScheduleEntryFactory,
    SessionFactory,
)
from training.messages import outbox
from training.models import Reminder
from training.services.reminders import Kind
from training.services.tasks import scan_conflicts

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/5")

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(smtp_sink, worker_database):
    with running_worker(BROKER, smtp_port=smtp_sink.port, database_url=worker_database) as worker:
        yield worker


def make_clashes(count: int, *, days_ahead: int) -> None:
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days_ahead)
    session = SessionFactory(start=start, end=start + datetime.timedelta(hours=4), capacity=50)
    for _ in range(count):
        person = CivilServantFactory()
        EnrollmentFactory(session=session, civil_servant=person)
        ScheduleEntryFactory(
            civil_servant=person,
            start=start - datetime.timedelta(hours=1),
            end=start + datetime.timedelta(hours=2),
        )


def test_conflict_reaches_smtp_exactly_once_through_worker(worker, smtp_sink):
    make_clashes(1, days_ahead=10)

    scan_conflicts.delay()
    assert wait_for(lambda: len(smtp_sink.messages) >= 1)
    scan_conflicts.delay()  # a second beat
    time.sleep(3)

    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.status) == (Kind.CONFLICT, Reminder.Status.SENT)
    assert smtp_sink.reminder_ids() == [str(reminder.pk)]
    assert smtp_sink.messages[0]["Subject"].startswith("Bentrok jadwal: ")


def test_worker_killed_mid_batch_still_one_email_per_reminder(worker, smtp_sink):
    make_clashes(8, days_ahead=10)
    smtp_sink.kill_on = 4
    smtp_sink.on_kill = lambda: os.killpg(worker.process.pid, signal.SIGKILL)

    scan_conflicts.delay()
    assert wait_for(lambda: worker.process.poll() is not None)
    # Three sent; the fourth was in flight, the other four claimed with the batch.
    assert len(smtp_sink.messages) == 3
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 3
    assert Reminder.objects.filter(status=Reminder.Status.SENDING).count() == 5

    worker.start()
    stale = datetime.timedelta(seconds=settings.REMINDER_STALE_SECONDS + 1)
    outbox.sweep(now=timezone.now() + stale)
    assert wait_for(lambda: len(smtp_sink.messages) >= 8)
    time.sleep(2)

    ids = [str(pk) for pk in Reminder.objects.order_by("pk").values_list("pk", flat=True)]
    assert len(ids) == 8
    assert smtp_sink.reminder_ids() == sorted(ids)
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.SENT}
