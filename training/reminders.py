"""Reminders: recorded before they are sent, claimed once, sent once.

The life of a :class:`~training.models.Reminder`:

1. **Record.** A scan writes one row per message under the unique key
   ``(enrollment, kind, fingerprint)`` with ``bulk_create(ignore_conflicts=True)``:
   a second beat, a retried task or two scans at the same time add nothing.
   Notices (enrolment confirmations, cancellations, promotions, decisions,
   session reschedules and cancellations, :mod:`training.notices`) are rows
   too, written in the transaction of the change (:func:`record_and_queue`).
   An escalation to the supervisor is recorded only once the person's own
   clash reminder went out ``settings.ESCALATION_GRACE_HOURS`` earlier and
   the clash is still open within ``settings.ESCALATION_DAYS_BEFORE`` days.
2. **Dispatch.** After the commit, the ids of fresh pending rows are queued to
   Celery in batches (:func:`dispatch_pending`). A broker outage only delays
   them: :func:`sweep` queues again whatever is still pending.
3. **Claim.** :func:`claim` moves a row from ``pending`` to ``sending`` with one
   conditional ``UPDATE ... WHERE status = 'pending'``; only the caller that
   changed the row sends it, so a message queued twice is sent once.
4. **Send.** The message is composed from the current data: a conflict that is
   resolved or gone, a cancelled session or enrolment, make the row
   ``skipped``. The in-portal notification is written (once per row), then the
   email goes out and the row becomes ``sent``. A failure puts the row back to
   ``pending`` with the error and the attempt count; after
   ``settings.REMINDER_MAX_ATTEMPTS`` it ends ``failed`` with the reason.
5. **Sweep.** Rows left ``sending`` longer than ``settings.REMINDER_STALE_SECONDS``
   (a worker killed mid-send) go back to ``pending`` and are queued again.
   The only window for a duplicate is a worker dying between the mail
   server's acceptance and the ``UPDATE`` to ``sent`` (milliseconds).
"""

import datetime
import enum
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from asnportal.tasks import enqueue, enqueue_on_commit
from districts.models import CivilServant

from .conflicts import (
    Conflict,
    ConflictKind,
    conflicts_for_enrollments,
    conflicts_for_person,
    conflicts_for_session,
    conflicts_in_window,
    fingerprint,
)
from .models import Enrollment, Notification, Reminder, TrainingSession
from .reminder_messages import compose, deliver
from .switching import switch_options_for

BATCH_SIZE = 100
logger = logging.getLogger(__name__)


class Outcome(enum.StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    NOT_CLAIMED = "not_claimed"
    RETRY = "retry"
    FAILED = "failed"


# --------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------


def _wants_reminder(conflict: Conflict, now: datetime.datetime) -> bool:
    if conflict.resolved or conflict.enrollment_id is None or conflict.session_start <= now:
        return False
    # Two enrolments clashing are one conflict seen from both sides: the newer
    # enrolment (the one that made the clash) carries the reminder.
    return conflict.kind != ConflictKind.ENROLLMENT or conflict.enrollment_id > conflict.other_id


def conflict_reminder_rows(conflicts: Iterable[Conflict], *, now: datetime.datetime) -> list:
    """Return unsaved reminders for new conflicts and for escalations now due."""
    wanted = [item for item in conflicts if _wants_reminder(item, now)]
    rows = [
        Reminder(
            enrollment_id=item.enrollment_id,
            kind=Reminder.Kind.CONFLICT,
            fingerprint=item.fingerprint,
            recipient_id=item.person_id,
        )
        for item in wanted
    ]
    horizon = now + datetime.timedelta(days=settings.ESCALATION_DAYS_BEFORE)
    near = [item for item in wanted if item.session_start <= horizon]
    due = {}
    if near:
        # The supervisor hears only of a clash the person was told of at least
        # ESCALATION_GRACE_HOURS ago and has still not resolved.
        told_before = now - datetime.timedelta(hours=settings.ESCALATION_GRACE_HOURS)
        told = set(
            Reminder.objects.filter(
                kind=Reminder.Kind.CONFLICT,
                status=Reminder.Status.SENT,
                sent_at__lte=told_before,
                enrollment_id__in={item.enrollment_id for item in near},
            )
            .order_by()
            .values_list("enrollment_id", "fingerprint")
        )
        due = {
            item.enrollment_id: item.person_id
            for item in near
            if (item.enrollment_id, item.fingerprint) in told
        }
    if due:
        supervisors = dict(
            CivilServant.objects.filter(pk__in=set(due.values()), supervisor__isnull=False)
            .order_by()
            .values_list("pk", "supervisor_id")
        )
        # One escalation per enrolment, ever: the empty fingerprint is the key.
        rows += [
            Reminder(
                enrollment_id=enrollment_id,
                kind=Reminder.Kind.ESCALATION,
                fingerprint="",
                recipient_id=supervisors[person_id],
            )
            for enrollment_id, person_id in due.items()
            if person_id in supervisors
        ]
    return rows


def before_session_rows(*, now: datetime.datetime) -> list:
    """Return unsaved 7-day and 1-day reminders for approved participants."""
    day = datetime.timedelta(days=1)
    windows = [
        (Reminder.Kind.BEFORE_1_DAY, now, now + day),
        (Reminder.Kind.BEFORE_7_DAYS, now + day, now + 7 * day),
    ]
    rows = []
    for kind, low, high in windows:
        found = (
            Enrollment.objects.filter(
                status=Enrollment.Status.APPROVED,
                session__status=TrainingSession.Status.PUBLISHED,
                session__start__gt=low,
                session__start__lte=high,
            )
            .order_by()
            .values_list("pk", "civil_servant_id", "session_id", "session__start", "session__end")
        )
        rows += [
            Reminder(
                enrollment_id=pk,
                kind=kind,
                # A rescheduled session is a new date to be reminded of.
                fingerprint=fingerprint(kind, (session, start, end), (session, start, end)),
                recipient_id=person,
            )
            for pk, person, session, start, end in found
        ]
    return rows


def record(rows: list) -> None:
    """Write reminders, skipping any whose key already exists (set-based, race-free)."""
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


def record_and_queue(rows: list, *, now: datetime.datetime | None = None) -> None:
    """Record ``rows`` in the current transaction and queue their sending after the commit.

    Used for notices: they are stored with the change they tell of, so a
    broker outage leaves them pending for the sweeper, never lost.
    """
    if not rows:
        return
    record(rows)
    keys = defaultdict(set)
    for row in rows:
        keys[(row.kind, row.fingerprint)].add(row.enrollment_id)
    match = Q()
    for (kind, print_), enrollment_ids in keys.items():
        match |= Q(kind=kind, fingerprint=print_, enrollment_id__in=enrollment_ids)
    ids = list(
        Reminder.objects.filter(match, status=Reminder.Status.PENDING, attempts=0)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if ids:
        transaction.on_commit(lambda: _queue(ids, now=now))


def record_due(*, now: datetime.datetime, days: int | None = None) -> dict:
    """Record every reminder due in the next ``days`` (``CONFLICT_SCAN_DAYS``); return numbers."""
    end = now + datetime.timedelta(days=days or settings.CONFLICT_SCAN_DAYS)
    conflicts = conflicts_in_window(start=now, end=end)
    rows = conflict_reminder_rows(conflicts, now=now) + before_session_rows(now=now)
    record(rows)
    return {
        "conflicts": len(conflicts),
        "unresolved": sum(1 for item in conflicts if not item.resolved),
        "candidates": len(rows),
        "pending": Reminder.objects.filter(status=Reminder.Status.PENDING).count(),
    }


def scan(*, now: datetime.datetime) -> dict:
    """Record the reminders due, then queue their sending to Celery after the commit."""
    with transaction.atomic():
        numbers = record_due(now=now)
        transaction.on_commit(lambda: dispatch_pending(now=now))
    return numbers


def recheck_person(*, person_id: int, now: datetime.datetime) -> int:
    """Record reminders for the person's current conflicts; return how many are candidates."""
    rows = conflict_reminder_rows(conflicts_for_person(person_id=person_id, now=now), now=now)
    with transaction.atomic():
        record(rows)
        transaction.on_commit(lambda: dispatch_pending(now=now))
    return len(rows)


def recheck_people(*, person_ids: Iterable[int], now: datetime.datetime) -> int:
    """Record reminders for the current conflicts of many people at once (set-based)."""
    enrollment_ids = Enrollment.objects.filter(
        civil_servant_id__in=sorted(set(person_ids)),
        status__in=Enrollment.ACTIVE,
        session__end__gt=now,
    ).values_list("pk", flat=True)
    conflicts = conflicts_for_enrollments(enrollment_ids=list(enrollment_ids), now=now)
    rows = conflict_reminder_rows(conflicts, now=now)
    with transaction.atomic():
        record(rows)
        transaction.on_commit(lambda: dispatch_pending(now=now))
    return len(rows)


def queue_people_recheck(
    person_ids: Iterable[int], *, now: datetime.datetime | None = None
) -> None:
    """Re-check many people after the transaction commits (e.g. an imported duty roster)."""
    from .conflict_tasks import recheck_people as task

    ids = sorted(set(person_ids))
    if ids:
        enqueue_on_commit(task, ids, now=now)


def recheck_session(*, session_id: int, now: datetime.datetime) -> int:
    """Record reminders for the current conflicts of a session's participants."""
    rows = conflict_reminder_rows(conflicts_for_session(session_id=session_id), now=now)
    with transaction.atomic():
        record(rows)
        transaction.on_commit(lambda: dispatch_pending(now=now))
    return len(rows)


def queue_session_recheck(session_id: int, *, now: datetime.datetime | None = None) -> None:
    """Re-check all participants of a session after the transaction commits.

    Call it after a session is rescheduled (its times change) or re-published.
    """
    from .conflict_tasks import recheck_session as task

    enqueue_on_commit(task, session_id, now=now)


def queue_person_recheck(person_id: int, *, now: datetime.datetime | None = None) -> None:
    """Re-check the person's conflicts after the current transaction commits.

    Call it after any write that changes a person's enrolments or schedule.
    """
    from .conflict_tasks import recheck_person as task

    enqueue_on_commit(task, person_id, now=now)


# --------------------------------------------------------------------------
# Dispatching and sweeping
# --------------------------------------------------------------------------


def _queue(ids: list[int], *, now: datetime.datetime | None = None) -> int:
    """Queue the ids in batches; return how many were queued.

    With the broker down the rows simply stay pending: the sweeper queues them
    again once it is back, so an outage delays reminders but loses none.
    """
    from .conflict_tasks import send_reminders

    for start in range(0, len(ids), BATCH_SIZE):
        if not enqueue(send_reminders, ids[start : start + BATCH_SIZE], now=now):
            logger.warning("Broker unavailable, %s reminders left pending", len(ids) - start)
            return start
    return len(ids)


def dispatch_pending(*, now: datetime.datetime | None = None) -> int:
    """Queue the rows never tried yet; return how many (``now`` goes to tasks run here)."""
    ids = list(
        Reminder.objects.filter(status=Reminder.Status.PENDING, attempts=0)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return _queue(ids, now=now)


def sweep(*, now: datetime.datetime) -> int:
    """Free rows stuck in ``sending``, queue every pending row not waiting for a retry."""
    stale = now - datetime.timedelta(seconds=settings.REMINDER_STALE_SECONDS)
    Reminder.objects.filter(status=Reminder.Status.SENDING, claimed_at__lt=stale).update(
        status=Reminder.Status.PENDING
    )
    ids = list(
        Reminder.objects.filter(status=Reminder.Status.PENDING)
        .filter(Q(attempts=0) | Q(claimed_at__lt=stale) | Q(claimed_at__isnull=True))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return _queue(ids, now=now)


def send_pending(*, now: datetime.datetime) -> dict:
    """Send, in this process, every pending row not waiting for a retry (no Celery)."""
    stale = now - datetime.timedelta(seconds=settings.REMINDER_STALE_SECONDS)
    ids = (
        Reminder.objects.filter(status=Reminder.Status.PENDING)
        .filter(Q(attempts=0) | Q(claimed_at__lt=stale) | Q(claimed_at__isnull=True))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    outcomes: dict[str, int] = {}
    for reminder_id in list(ids):
        outcome = send_reminder(reminder_id=reminder_id, now=now)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


# --------------------------------------------------------------------------
# Claiming and sending
# --------------------------------------------------------------------------


def claim(*, reminder_id: int, now: datetime.datetime) -> bool:
    """Take the row for sending; True only for the one caller that changed it."""
    return claim_batch(reminder_ids=[reminder_id], now=now) == [reminder_id]


def claim_batch(*, reminder_ids: list[int], now: datetime.datetime) -> list[int]:
    """Take the pending rows among ``reminder_ids`` with one conditional UPDATE.

    Return the ids this call changed (``RETURNING``): those, and only those,
    are ours to send; a row another worker took first is not among them.
    """
    if not reminder_ids:
        return []
    table = connection.ops.quote_name(Reminder._meta.db_table)
    marks = ", ".join(["%s"] * len(reminder_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, claimed_at = %s, attempts = attempts + 1 "
            f"WHERE id IN ({marks}) AND status = %s RETURNING id",
            [
                Reminder.Status.SENDING,
                connection.ops.adapt_datetimefield_value(now),
                *reminder_ids,
                Reminder.Status.PENDING,
            ],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _finish(reminder: Reminder, status: str, message=None, **fields) -> None:
    """Record the end of one attempt (and the notification), in one commit."""
    with transaction.atomic():
        if message is not None:
            fields.update(subject=message.subject[:255], body=message.body)
            # One notification per reminder (the one-to-one key), also over retries.
            Notification.objects.bulk_create(
                [
                    Notification(
                        reminder_id=reminder.pk,
                        recipient_id=reminder.recipient_id,
                        title=message.subject[:255],
                        body=message.body,
                        url=message.url,
                    )
                ],
                ignore_conflicts=True,
            )
        Reminder.objects.filter(pk=reminder.pk, status=Reminder.Status.SENDING).update(
            status=status, **fields
        )


def retry_delay(attempts: int) -> int:
    """Return the seconds to wait before attempt ``attempts + 1`` (exponential backoff)."""
    return settings.REMINDER_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)


def send_reminder(*, reminder_id: int, now: datetime.datetime) -> Outcome:
    """Claim, compose and send one reminder; return what happened."""
    outcomes = send_batch(reminder_ids=[reminder_id], now=now)
    return outcomes.get(reminder_id, Outcome.NOT_CLAIMED)


def send_batch(*, reminder_ids: list[int], now: datetime.datetime) -> dict[int, Outcome]:
    """Claim the batch, then compose and send each claimed reminder; return the outcomes.

    The conflicts of the whole batch are found with one set-based call. Each
    message is marked ``sent`` right after the mail server accepted it, so a
    worker dying mid-batch leaves the rest ``sending`` for the sweeper.
    """
    claimed = claim_batch(reminder_ids=reminder_ids, now=now)
    outcomes = dict.fromkeys(reminder_ids, Outcome.NOT_CLAIMED)
    if not claimed:
        return outcomes
    batch = list(
        Reminder.objects.select_related(
            "recipient",
            "enrollment__session__program",
            "enrollment__session__district",
            "enrollment__session__venue",
            "enrollment__civil_servant",
        )
        .filter(pk__in=claimed)
        .order_by("pk")
    )
    about_conflicts = [
        item.enrollment_id
        for item in batch
        if item.kind in (Reminder.Kind.CONFLICT, Reminder.Kind.ESCALATION)
    ]
    open_conflicts = defaultdict(list)
    if about_conflicts:
        for item in conflicts_for_enrollments(enrollment_ids=about_conflicts, now=now):
            if not item.resolved:
                open_conflicts[item.enrollment_id].append(item)
    options = switch_options_for(
        [item.enrollment for item in batch if item.kind == Reminder.Kind.CONFLICT], now=now
    )
    for reminder in batch:
        outcomes[reminder.pk] = _send_one(
            reminder,
            open_conflicts[reminder.enrollment_id],
            options.get(reminder.enrollment_id, []),
            now=now,
        )
    return outcomes


def _send_one(
    reminder: Reminder, open_conflicts: list, options: list, *, now: datetime.datetime
) -> Outcome:
    message = None
    try:
        message = compose(reminder, now=now, open_conflicts=open_conflicts, options=options)
        if message is None:
            _finish(reminder, Reminder.Status.SKIPPED)
            return Outcome.SKIPPED
        deliver(message)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the row
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if reminder.attempts >= settings.REMINDER_MAX_ATTEMPTS:
            _finish(reminder, Reminder.Status.FAILED, message, last_error=error)
            return Outcome.FAILED
        _finish(reminder, Reminder.Status.PENDING, message, last_error=error)
        return Outcome.RETRY
    _finish(reminder, Reminder.Status.SENT, message, sent_at=now, last_error="")
    return Outcome.SENT
