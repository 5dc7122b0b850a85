"""The periodic conflict scan fanned out over Celery workers: one task per district.

The beat task (``training.conflict_tasks.scan_conflicts``) only queues
:data:`SCAN_DISTRICT_TASK` once per district (:func:`dispatch`); each of those
scans the people of its district (:func:`scan_district`) exactly as the single
scan would, since every conflict is between a person's own enrolments and
schedule, so the districts' parts add up to the whole scan
(``reminders.record_due``). The guarantees of the single scan hold:

- **Recorded once.** The rows are written with the outbox's unique key
  ``(enrollment, kind, fingerprint)`` and ``ignore_conflicts``, so a second
  beat, a district task run twice, a retry or two workers on overlapping work
  add nothing; the outbox claims each row before sending it, so it is sent once.
- **Retried.** A district's scan that fails on the database or the network
  (``OperationalError``, ``InterfaceError``, ``OSError``) is retried with
  backoff (the task's ``autoretry_for``); with ``acks_late`` a worker killed
  mid-scan leaves its message to be delivered again.
- **Not run twice at once.** On PostgreSQL the scan holds a transaction-level
  advisory lock on its district (``pg_try_advisory_xact_lock``); a second scan
  of the same district that finds it taken returns at once, since the running
  one records the same rows. The lock ends with the transaction, on commit,
  rollback or the death of the worker's connection, so there is no expiry to
  tune (a Redis lock with a timeout either expires under a slow scan or
  outlives a killed worker), and it locks no row anyone else writes. SQLite
  (development) has no such lock: its scans are serialised by its single
  writer and the unique key still records each row once.
"""

import datetime

from django.db import connection, transaction

from asnportal.tasks import enqueue
from districts.models import District

from ..messages import outbox
from ..models import Reminder
from . import reminders

# The Celery task that scans one district (training.services.tasks).
SCAN_DISTRICT_TASK = "training.conflict_tasks.scan_district"
# The first key of the advisory locks of district scans (the second is the district).
LOCK_NAMESPACE = 170017


def dispatch(*, now: datetime.datetime | None = None) -> int:
    """Queue one scan per district; return how many were queued.

    ``now`` goes to scans run in this process (eagerly); a worker reads its own
    clock. With the broker down nothing is queued and the next beat scans.
    """
    district_ids = District.objects.order_by("pk").values_list("pk", flat=True)
    return sum(enqueue(SCAN_DISTRICT_TASK, pk, now=now) for pk in list(district_ids))


def _try_lock(district_id: int) -> bool:
    """Take the district's scan lock for the current transaction; False if another holds it."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, district_id])
        return cursor.fetchone()[0]


def scan_district(*, district_id: int, now: datetime.datetime) -> dict:
    """Record the reminders due for the people of one district, then queue their sending.

    Return the numbers of ``reminders.record_due``, or ``{"skipped": True}`` when a
    scan of the district is running already.
    """
    with transaction.atomic():
        if not _try_lock(district_id):
            return {"district": district_id, "skipped": True}
        numbers = reminders.record_due(now=now, district_id=district_id)
        transaction.on_commit(lambda: dispatch_district(district_id=district_id, now=now))
    return {"district": district_id, **numbers}


def dispatch_district(*, district_id: int, now: datetime.datetime | None = None) -> int:
    """Queue the sending of the district's rows never tried yet; return how many.

    Only the district's own rows, so that scans of other districts finishing at
    the same moment do not queue each other's rows again (the claim would
    send them once anyway; this spares the empty batches). Rows of other
    kinds left pending are queued by the sweeper (``outbox.sweep``).
    """
    ids = list(
        Reminder.objects.filter(
            status=Reminder.Status.PENDING,
            attempts=0,
            enrollment__civil_servant__district_id=district_id,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    size = outbox.BATCH_SIZE
    for start in range(0, len(ids), size):
        if not enqueue(outbox.SEND_TASK, ids[start : start + size], now=now):
            return start  # the rest stays pending for the sweeper
    return len(ids)
