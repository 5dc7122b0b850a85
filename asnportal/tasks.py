"""Queuing Celery tasks by name, without letting a broker outage break a request.

Code below the entry points never imports a task module: it queues the task
by its registered name (the name stays stable across releases, so messages
already in a broker and the beat schedule keep working). Every task module is
imported at start-up (``training.apps``), in the web process, the worker and
the tests alike, so the name is always known here.
"""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

from .celery import app

logger = logging.getLogger(__name__)


def task_named(name: str):
    """Return the registered task called ``name`` (KeyError for an unknown name)."""
    return app.tasks[name]


def enqueue(name: str, *args) -> bool:
    """Queue task ``name(*args)`` now; return False (and log) when the broker cannot be reached.

    Whatever the task was to do must be recoverable without it: reminders and
    notices are recorded rows that the sweeper queues again; rechecks are
    repeated by the periodic scan.
    """
    task = task_named(name)
    try:
        task.delay(*args)
    except (OperationalError, OSError):
        logger.exception("Broker unavailable: %s%r not queued", name, args)
        return False
    return True


def enqueue_on_commit(name: str, *args, run_here_if_down: bool = False) -> None:
    """Queue task ``name(*args)`` after the current transaction commits; never raise.

    With ``run_here_if_down`` the task runs in this process when the broker is
    down, for work nothing else would pick up again (an HR import in progress).
    """
    task_named(name)  # an unknown name fails here, in the caller's transaction

    def queue() -> None:
        if not enqueue(name, *args) and run_here_if_down:
            task_named(name).apply(args=args)

    transaction.on_commit(queue)
