"""A real Redis broker, a real ``celery worker`` process and an SMTP sink, for tests.

The worker is another process and must see the rows the test writes. On
PostgreSQL it opens the test database. pytest-django's SQLite test database
lives in memory, inside this process, so on SQLite ``worker_database`` switches
the test to a migrated database file for its duration, which the worker opens
too (WAL mode lets both write).

Each test module passes its own broker URL (its own Redis database) so that
parallel runs do not collide. The fixtures ``smtp_sink``, ``migrated_sqlite_file``
and ``worker_database`` are registered in ``tests/training/conftest.py``.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes

import pytest
from django.conf import settings
from django.db import connection

from asnportal.celery import app
from tests.conftest import require_part


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


def reset_pools() -> None:
    """Forget connections made for another broker (kombu keeps global pools)."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def real_broker(url: str) -> Iterator:
    """The Redis broker at ``url``, emptied, with this process's Celery app sending to it.

    Yields the Redis client. Without Redis the test is skipped locally and fails in CI.
    """
    try:
        import redis

        client = redis.Redis.from_url(url)
        client.ping()
    except Exception:  # noqa: BLE001 - any failure means no Redis here
        client = None
    require_part(client is not None, f"Redis at {url}")
    client.flushdb()
    saved = (app.conf.broker_url, app.conf.broker_transport_options)
    app.conf.task_always_eager = False
    app.conf.broker_url = url
    app.conf.broker_transport_options = {"visibility_timeout": 3600}
    reset_pools()
    try:
        yield client
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = saved
        app.conf.task_always_eager = True
        reset_pools()
        client.flushdb()


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
    """A ``celery worker`` process on ``broker_url``, mailing to the SMTP sink.

    The solo pool by default; with ``concurrency`` the prefork pool of that many
    child processes, which run tasks at the same time.
    """

    def __init__(
        self,
        *,
        broker_url: str,
        smtp_port: int,
        database_url: str,
        extra_env: dict[str, str] | None = None,
        concurrency: int | None = None,
    ):
        self.pool = (
            ["--pool=solo"]
            if concurrency is None
            else ["--pool=prefork", f"--concurrency={concurrency}"]
        )
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "LOG_LEVEL": "WARNING",
            **(extra_env or {}),
        }
        self.process = None
        self.broker = None  # the Redis client of the broker, set by ``running_worker``

    def start(self):
        self.process = subprocess.Popen(
            [
                os.path.join(os.path.dirname(sys.executable), "celery"),
                "-A",
                "asnportal",
                "worker",
                *self.pool,
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


@contextmanager
def running_worker(
    broker_url: str,
    *,
    smtp_port: int,
    database_url: str,
    extra_env: dict[str, str] | None = None,
    concurrency: int | None = None,
) -> Iterator[Worker]:
    """A started ``Worker`` on the emptied broker at ``broker_url``; stopped and restored after."""
    with real_broker(broker_url) as client:
        worker = Worker(
            broker_url=broker_url,
            smtp_port=smtp_port,
            database_url=database_url,
            extra_env=extra_env,
            concurrency=concurrency,
        )
        worker.broker = client
        try:
            worker.start()
            yield worker
        finally:
            worker.stop()


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def broker_idle(client, queue: str = "celery", *, lost: int = 0) -> bool:
    """Return whether no message waits in ``queue`` and none is being worked on.

    With ``acks_late`` a message stays in kombu's ``unacked`` hash until its task
    has finished, so both empty at once means every task queued so far is done.
    ``lost`` messages of a killed worker stay there until the visibility timeout.
    """
    pipe = client.pipeline(transaction=True)
    pipe.llen(queue)
    pipe.hlen("unacked")
    waiting, working = pipe.execute()
    return waiting == 0 and working <= lost


def wait_until_drained(client, settled, *, lost: int = 0, timeout=60.0, polls=3) -> bool:
    """Wait until the broker is idle and ``settled()`` holds, ``polls`` checks in a row.

    Several checks in a row cover the instant a worker holds a message it has
    taken from the queue but not yet recorded as unacknowledged.
    """
    streak = 0

    def drained() -> bool:
        nonlocal streak
        streak = streak + 1 if broker_idle(client, lost=lost) and settled() else 0
        return streak >= polls

    return wait_for(drained, timeout)


def changes_within(state, window: float = 3.0):
    """Return the first change of ``state()`` within ``window`` seconds, or None.

    Called once everything has drained: a late duplicate (a second email, a
    row claimed again) shows up as a change and fails the test at once.
    """
    before = state()
    deadline = time.monotonic() + window
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = state()
        if now != before:
            return before, now
    return None


# The one Redis database every real-worker test uses, one test after another
# (each empties it first): chosen by CELERY_TEST_BROKER_URL, as .ci/run does,
# so that runs sharing a Redis server each keep to their own database.
TEST_BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/5")
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def broker_down(settings):
    """Celery sends to a broker nobody listens on (eager mode off)."""
    saved = app.conf.broker_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = UNREACHABLE_BROKER
    reset_pools()
    yield
    app.conf.broker_url = saved
    app.conf.task_always_eager = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    reset_pools()
