"""Queuing Celery tasks from a request without letting a broker outage break it."""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> bool:
    """Queue ``task(*args)`` now; return False (and log) when the broker cannot be reached.

    Whatever the task was to do must be recoverable without it: reminders and
    notices are recorded rows that the sweeper queues again; rechecks are
    repeated by the periodic scan.
    """
    try:
        task.delay(*args)
    except (OperationalError, OSError):
        logger.exception("Broker unavailable: %s%r not queued", task.name, args)
        return False
    return True


def enqueue_on_commit(task, *args, run_here_if_down: bool = False) -> None:
    """Queue ``task(*args)`` after the current transaction commits; never raise.

    With ``run_here_if_down`` the task runs in this process when the broker is
    down, for work nothing else would pick up again (an HR import in progress).
    """

    def queue() -> None:
        if not enqueue(task, *args) and run_here_if_down:
            task.apply(args=args)

    transaction.on_commit(queue)
