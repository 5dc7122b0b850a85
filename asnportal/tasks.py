"""Queuing Celery tasks from a request without letting a broker outage break it."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def task_now(now: str | None) -> datetime.datetime:
    """Return the clock of a task, read once at its entry.

    A task run in the caller's process gets the caller's ``now`` (ISO 8601),
    so a service that takes ``now`` passes it on; a task run by a worker reads
    the worker's clock here, when it starts.
    """
    return datetime.datetime.fromisoformat(now) if now else timezone.now()


def _clock(task, now: datetime.datetime | None) -> dict:
    """Return the keyword that hands ``now`` to ``task`` when it will run in this process.

    A worker may run the task long after it was queued (a broker outage, a
    retry's countdown): it must read its own clock, never a stale one.
    """
    if now is None or not task.app.conf.task_always_eager:
        return {}
    return {"now": now.isoformat()}


def enqueue(task, *args, now: datetime.datetime | None = None) -> bool:
    """Queue ``task(*args)`` now; return False (and log) when the broker cannot be reached.

    Whatever the task was to do must be recoverable without it: reminders and
    notices are recorded rows that the sweeper queues again; rechecks are
    repeated by the periodic scan.
    """
    try:
        task.apply_async(args, _clock(task, now))
    except (OperationalError, OSError):
        logger.exception("Broker unavailable: %s%r not queued", task.name, args)
        return False
    return True


def enqueue_on_commit(
    task, *args, run_here_if_down: bool = False, now: datetime.datetime | None = None
) -> None:
    """Queue ``task(*args)`` after the current transaction commits; never raise.

    With ``run_here_if_down`` the task runs in this process when the broker is
    down, for work nothing else would pick up again (an HR import in progress).
    """

    def queue() -> None:
        if not enqueue(task, *args, now=now) and run_here_if_down:
            task.apply(args=args, kwargs={"now": now.isoformat()} if now else {})

    transaction.on_commit(queue)
