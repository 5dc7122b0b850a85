"""Queuing Celery tasks by name, without letting a broker outage break a request.

Code below the entry points never imports a task module: it queues the task
by its registered name (the name stays stable across releases, so messages
already in a broker and the beat schedule keep working). Every task module is
imported at start-up (``training.apps``), in the web process, the worker and
the tests alike, so the name is always known here.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from .celery import app

logger = logging.getLogger(__name__)


def task_named(name: str):
    """Return the registered task called ``name`` (KeyError for an unknown name)."""
    return app.tasks[name]


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


def enqueue(
    name: str, *args, now: datetime.datetime | None = None, countdown: int | None = None
) -> bool:
    """Queue task ``name(*args)`` (to start ``countdown`` seconds from now, if given); return
    False (and log) when the broker cannot be reached.

    Whatever the task was to do must be recoverable without it: reminders and
    notices are recorded rows that the sweeper queues again; rechecks are
    repeated by the periodic scan.
    """
    task = task_named(name)
    try:
        task.apply_async(args, _clock(task, now), countdown=countdown)
    except (OperationalError, OSError):
        logger.exception("Broker unavailable: %s%r not queued", name, args)
        return False
    return True


def enqueue_on_commit(
    name: str, *args, run_here_if_down: bool = False, now: datetime.datetime | None = None
) -> None:
    """Queue task ``name(*args)`` after the current transaction commits; never raise.

    With ``run_here_if_down`` the task runs in this process when the broker is
    down, for work nothing else would pick up again (an HR import in progress).
    """
    task_named(name)  # an unknown name fails here, in the caller's transaction

    def queue() -> None:
        if not enqueue(name, *args, now=now) and run_here_if_down:
            task_named(name).apply(args=args, kwargs={"now": now.isoformat()} if now else {})

    transaction.on_commit(queue)
