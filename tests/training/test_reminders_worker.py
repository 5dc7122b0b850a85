"""Reminders through a real Redis broker, a real ``celery worker`` and an SMTP server.

The worker is another process and must see the rows the test writes; on SQLite
the test switches to a migrated database file the worker shares (``worker_database``,
see ``tests/celery_harness.py``).
"""

import datetime
import os
import signal

import pytest
from django.conf import settings
from django.utils import timezone

from tests.celery_harness import (
    TEST_BROKER_URL,
    changes_within,
    running_worker,
    wait_for,
    wait_until_drained,
)
from tests.factories import (
    CivilServantFactory,
    EnrollmentFactory,
    ScheduleEntryFactory,
    SessionFactory,
    at,
    next_working_day,
)
from training.messages import outbox
from training.models import Reminder
from training.services.reminders import Kind
from training.services.tasks import scan_conflicts

BROKER = TEST_BROKER_URL

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(smtp_sink, worker_database):
    with running_worker(BROKER, smtp_port=smtp_sink.port, database_url=worker_database) as worker:
        yield worker


def make_clashes(count: int, *, days_ahead: int) -> None:
    # A working day, so that no holiday adds a clash of its own. Eight days or more
    # ahead is past the 7-day reminder, and even after a long holiday (cuti bersama
    # around Idul Fitri) still inside the 14-day scan.
    start = at(next_working_day(days=days_ahead), 8)
    session = SessionFactory(start=start, end=start + datetime.timedelta(hours=4), capacity=50)
    for _ in range(count):
        person = CivilServantFactory()
        EnrollmentFactory(session=session, civil_servant=person)
        ScheduleEntryFactory(
            civil_servant=person,
            start=start - datetime.timedelta(hours=1),
            end=start + datetime.timedelta(hours=2),
        )


def outbox_state():
    """Return the reminders' state: what a late duplicate would change."""
    return list(Reminder.objects.order_by("pk").values_list("pk", "status", "attempts", "sent_at"))


def unsent() -> bool:
    return not Reminder.objects.filter(
        status__in=[Reminder.Status.PENDING, Reminder.Status.SENDING]
    ).exists()


def test_conflict_reaches_smtp_exactly_once_through_worker(worker, smtp_sink):
    make_clashes(1, days_ahead=8)

    scan_conflicts.delay()
    assert wait_for(lambda: len(smtp_sink.messages) >= 1)
    scan_conflicts.delay()  # a second beat
    assert wait_until_drained(worker.broker, lambda: Reminder.objects.exists() and unsent())
    assert changes_within(lambda: (outbox_state(), smtp_sink.reminder_ids())) is None

    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.status) == (Kind.CONFLICT, Reminder.Status.SENT)
    assert smtp_sink.reminder_ids() == [str(reminder.pk)]
    assert smtp_sink.messages[0]["Subject"].startswith("Bentrok jadwal: ")


def test_worker_killed_mid_batch_still_one_email_per_reminder(worker, smtp_sink):
    make_clashes(8, days_ahead=8)
    smtp_sink.kill_on = 4
    smtp_sink.on_kill = lambda: os.killpg(worker.process.pid, signal.SIGKILL)

    scan_conflicts.delay()
    assert wait_for(lambda: worker.process.poll() is not None)
    # Three sent; the fourth was in flight, the other four claimed with the batch.
    assert len(smtp_sink.messages) == 3
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 3
    assert Reminder.objects.filter(status=Reminder.Status.SENDING).count() == 5

    lost = worker.broker.hlen("unacked")  # the killed worker's batch, never acknowledged
    worker.start()
    stale = datetime.timedelta(seconds=settings.REMINDER_STALE_SECONDS + 1)
    outbox.sweep(now=timezone.now() + stale)
    assert wait_for(lambda: len(smtp_sink.messages) >= 8)
    assert wait_until_drained(worker.broker, unsent, lost=lost)
    assert changes_within(lambda: (outbox_state(), smtp_sink.reminder_ids())) is None

    ids = [str(pk) for pk in Reminder.objects.order_by("pk").values_list("pk", flat=True)]
    assert len(ids) == 8
    assert smtp_sink.reminder_ids() == sorted(ids)
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.SENT}
