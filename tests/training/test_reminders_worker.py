"""Reminders through a real Redis broker, a real ``celery worker`` and an SMTP server.

The worker is another process and must see the rows the test writes. On
PostgreSQL it opens the test database. pytest-django's SQLite test database
lives in memory, inside this process, so on SQLite the test switches to a
migrated database file for its duration (``worker_database``), which the
worker opens too (WAL mode lets both write).
"""

import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from asnportal.celery import app
from tests.conftest import require_part
from tests.factories import (
    CivilServantFactory,
    EnrollmentFactory,
    ScheduleEntryFactory,
    SessionFactory,
)
from training import reminders
from training.conflict_tasks import scan_conflicts
from training.models import Reminder

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/5")

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


class Sink:
    """An SMTP server that keeps what it accepts; it can die with the worker on message N."""

    def __init__(self):
        self.messages = []
        self.kill_on = None
        self.on_kill = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        with self.lock:
            if self.kill_on is not None and len(self.messages) + 1 == self.kill_on:
                self.kill_on = None
                self.on_kill()
                # The worker is gone before the server accepted: nothing was delivered.
                return "421 Service not available, closing transmission channel"
            self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def reminder_ids(self) -> list[str]:
        with self.lock:
            return sorted(message["X-Portal-Reminder"] for message in self.messages)


@pytest.fixture
def smtp_sink():
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    sink.port = port
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink
    controller.stop()


@pytest.fixture
def broker():
    """The test broker, emptied, with this process's Celery app sending to it."""
    try:
        import redis

        client = redis.Redis.from_url(BROKER)
        client.ping()
    except Exception:  # noqa: BLE001 - any failure means no Redis here
        client = None
    require_part(client is not None, f"Redis at {BROKER}")
    client.flushdb()
    saved = (app.conf.broker_url, app.conf.broker_transport_options)
    app.conf.task_always_eager = False
    app.conf.broker_url = BROKER
    app.conf.broker_transport_options = {"visibility_timeout": 3600}
    _reset_pools()
    yield client
    app.conf.broker_url, app.conf.broker_transport_options = saved
    app.conf.task_always_eager = True
    _reset_pools()
    client.flushdb()


def _reset_pools():
    """Forget connections made for another broker (kombu keeps global pools)."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture(scope="module")
def migrated_sqlite_file(tmp_path_factory):
    """A SQLite database file with the migrations applied (once per module)."""
    if connection.vendor != "sqlite":
        return None
    path = tmp_path_factory.mktemp("worker-db") / "template.sqlite3"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{path}"},
        check=True,
    )
    return path


@pytest.fixture
def worker_database(migrated_sqlite_file, tmp_path):
    """Return the DATABASE_URL the worker uses: the database this test writes to."""
    db = connection.settings_dict
    if connection.vendor != "sqlite":
        yield (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
        return
    path = tmp_path / "worker.sqlite3"
    shutil.copyfile(migrated_sqlite_file, path)
    # Closing an in-memory database would destroy it, so set it aside instead.
    memory, name = connection.connection, db["NAME"]
    connection.connection, db["NAME"] = None, str(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        connection.connection, db["NAME"] = memory, name


class Worker:
    def __init__(self, port: int, database_url: str):
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": BROKER,
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "LOG_LEVEL": "WARNING",
        }
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                os.path.join(os.path.dirname(sys.executable), "celery"),
                "-A",
                "asnportal",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        ready = threading.Event()

        def read():
            for line in self.process.stdout:
                if b"ready." in line:
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        assert ready.wait(60), "the Celery worker did not start"

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker(smtp_sink, broker, worker_database):
    worker = Worker(smtp_sink.port, worker_database)
    worker.start()
    yield worker
    worker.stop()


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


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
    assert (reminder.kind, reminder.status) == (Reminder.Kind.CONFLICT, Reminder.Status.SENT)
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
    reminders.sweep(now=timezone.now() + stale)
    assert wait_for(lambda: len(smtp_sink.messages) >= 8)
    time.sleep(2)

    ids = [str(pk) for pk in Reminder.objects.order_by("pk").values_list("pk", flat=True)]
    assert len(ids) == 8
    assert smtp_sink.reminder_ids() == sorted(ids)
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.SENT}
