"""The outbox: every message is recorded before it is sent, claimed once, sent once.

Each message is one :class:`~training.models.Reminder` row (the outbox row; the
name is historical) with its kind, recipient, unique key ``(enrollment, kind,
fingerprint)``, state, attempts and last error. The outbox knows no feature:
each kind registers how to compose itself with :func:`kind`, in the module of
the feature that owns it (``training.services``); ``training.apps`` imports
those modules at start-up, so every process that sends knows every kind.

The life of a row:

1. **Record.** A feature writes its rows with :func:`record` (set-based,
   ``bulk_create(ignore_conflicts=True)``: a second beat, a retried task or
   two scans at the same time add nothing), or with :func:`record_and_queue`
   in the transaction of the change it tells of.
2. **Dispatch.** After the commit, the ids of fresh pending rows are queued to
   Celery in batches (:func:`dispatch_pending`). A broker outage only delays
   them: :func:`sweep` queues again whatever is still pending.
3. **Claim.** :func:`claim` moves a row from ``pending`` to ``sending`` with one
   conditional ``UPDATE ... WHERE status = 'pending'``; only the caller that
   changed the row sends it, so a message queued twice is sent once.
4. **Send.** The kind's composer makes the message from the current data; it
   returns None when the message is no longer true (a resolved clash, a
   cancelled session or enrolment), and the row becomes ``skipped``. The
   in-portal notification is written (once per row), then the email goes out
   and the row becomes ``sent``. A failure puts the row back to ``pending``
   with the error and the attempt count (retried with exponential backoff,
   :func:`retry_delay`); after ``settings.REMINDER_MAX_ATTEMPTS`` it ends
   ``failed`` with the reason.
5. **Sweep.** Rows left ``sending`` longer than ``settings.REMINDER_STALE_SECONDS``
   (a worker killed mid-send) go back to ``pending`` and are queued again.
   The only window for a duplicate is a worker dying between the mail
   server's acceptance and the ``UPDATE`` to ``sent`` (milliseconds).
"""

import dataclasses
import datetime
import enum
import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import translation

from asnportal.tasks import enqueue

from ..models import Notification, Reminder
from .compose import Message, deliver, hr_mailbox

BATCH_SIZE = 100
# The Celery task that sends a batch (training.messages.tasks); the name is kept
# from earlier releases so that batches already queued in a broker still run.
SEND_TASK = "training.conflict_tasks.send_reminders"
logger = logging.getLogger(__name__)


class Outcome(enum.StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    NOT_CLAIMED = "not_claimed"
    RETRY = "retry"
    FAILED = "failed"


# --------------------------------------------------------------------------
# The registry of kinds
# --------------------------------------------------------------------------

Composer = Callable[..., Message | None]
Preparer = Callable[..., dict[int, Any]]


@dataclasses.dataclass(frozen=True)
class Kind:
    name: str
    label: str
    compose: Composer
    prepare: Preparer | None = None
    digest: str = ""


_kinds: dict[str, Kind] = {}


def kind(name: str, *, label, prepare: Preparer | None = None, digest: str = ""):
    """Register the decorated function as the composer of the messages of kind ``name``.

    The composer is called as ``compose(row, *, now, prepared)`` in the site's
    language and returns a :class:`~training.messages.compose.Message`, or
    None when the message is no longer needed. ``prepare(rows, *, now)``, when
    given, is called once per batch with the rows of every kind sharing it and
    returns ``{row id: prepared}`` (e.g. the clashes of a whole batch found
    with one query); a row sent alone gets ``prepared=None``.

    Kinds naming the same ``digest`` reach a person as one message: the
    person's pending rows of those kinds are claimed together and the
    composer is called once as ``compose(rows, *, now, prepared)`` (prepared
    by row id); the message's ``rows`` names the rows it tells of, the others
    are skipped. Each row is still sent exactly once.
    """
    limit = Reminder._meta.get_field("kind").max_length
    if len(name) > limit:
        raise ValueError(f"Message kind {name!r} is longer than {limit} characters.")

    def register(compose: Composer) -> Composer:
        known = _kinds.get(name)
        if known is not None and known.compose.__qualname__ != compose.__qualname__:
            raise ValueError(f"Message kind {name!r} is already registered.")
        _kinds[name] = Kind(name=name, label=label, compose=compose, prepare=prepare, digest=digest)
        return compose

    return register


def kinds() -> dict[str, Kind]:
    """Return the registered kinds by name."""
    return dict(_kinds)


def label(name: str) -> str:
    """Return the kind's label for people (the name itself when unknown)."""
    known = _kinds.get(name)
    return str(known.label) if known else name


# --------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------


def record(rows: list[Reminder]) -> None:
    """Write messages, skipping any whose key already exists (set-based, race-free)."""
    unknown = {row.kind for row in rows} - _kinds.keys()
    if unknown:
        raise ValueError(f"Unknown message kinds: {sorted(unknown)}")
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


def record_and_queue(rows: list[Reminder], *, now: datetime.datetime | None = None) -> None:
    """Record ``rows`` in the current transaction and queue their sending after the commit.

    Used for notices: they are stored with the change they tell of, so a
    broker outage leaves them pending for the sweeper, never lost.
    """
    if not rows:
        return
    record(rows)
    keys = defaultdict(set)
    for row in rows:
        # A row is about an enrolment or, when it has none, about an invitation or an
        # outside-learning claim.
        about = ("enrollment_id", row.enrollment_id)
        if row.enrollment_id is None and row.invitation_id is not None:
            about = ("invitation_id", row.invitation_id)
        elif row.enrollment_id is None:
            about = ("outside_learning_id", row.outside_learning_id)
        keys[(row.kind, row.fingerprint, about[0])].add(about[1])
    match = Q()
    for (kind_name, print_, field), ids in keys.items():
        match |= Q(kind=kind_name, fingerprint=print_, **{f"{field}__in": ids})
    ids = list(
        Reminder.objects.filter(match, status=Reminder.Status.PENDING, attempts=0)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if ids:
        transaction.on_commit(lambda: _queue(ids, now=now))


def dispatch_on_commit(*, now: datetime.datetime | None = None) -> None:
    """Queue the rows never tried yet once the current transaction commits.

    ``now`` goes to the sending tasks that run in this process (eagerly).
    """
    transaction.on_commit(lambda: dispatch_pending(now=now))


# --------------------------------------------------------------------------
# Dispatching and sweeping
# --------------------------------------------------------------------------


def _queue(ids: list[int], *, now: datetime.datetime | None = None) -> int:
    """Queue the ids in batches; return how many were queued.

    With the broker down the rows simply stay pending: the sweeper queues them
    again once it is back, so an outage delays reminders but loses none.
    """
    for start in range(0, len(ids), BATCH_SIZE):
        if not enqueue(SEND_TASK, ids[start : start + BATCH_SIZE], now=now):
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


def _finish(reminder: Reminder, status: str, message=None, *, notify=True, **fields) -> None:
    """Record the end of one attempt (and the notification), in one commit."""
    with transaction.atomic():
        if message is not None:
            fields.update(subject=message.subject[:255], body=message.body)
        if message is not None and notify:
            # One notification per reminder (the one-to-one key), also over retries.
            Notification.objects.bulk_create(
                [
                    Notification(
                        reminder_id=reminder.pk,
                        recipient_id=reminder.recipient_id,
                        title=message.subject[:255],
                        body=message.body,
                        url=message.url,
                        translations=message.translations,
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


def attempts(reminder_id: int) -> int:
    """Return how often the row was tried (1 when it is gone)."""
    return Reminder.objects.filter(pk=reminder_id).values_list("attempts", flat=True).first() or 1


def send_reminder(*, reminder_id: int, now: datetime.datetime) -> Outcome:
    """Claim, compose and send one reminder; return what happened."""
    outcomes = send_batch(reminder_ids=[reminder_id], now=now)
    return outcomes.get(reminder_id, Outcome.NOT_CLAIMED)


def send_batch(*, reminder_ids: list[int], now: datetime.datetime) -> dict[int, Outcome]:
    """Claim the batch, then compose and send each claimed reminder; return the outcomes.

    What a kind needs for the whole batch is prepared once (:func:`kind`). The
    recipients' other pending rows of a digest are claimed with the batch and
    sent in the same message (their outcomes are returned too). Each message
    is marked ``sent`` right after the mail server accepted it, so a worker
    dying mid-batch leaves the rest ``sending`` for the sweeper.
    """
    claimed = claim_batch(reminder_ids=reminder_ids, now=now)
    outcomes = dict.fromkeys(reminder_ids, Outcome.NOT_CLAIMED)
    if not claimed:
        return outcomes
    claimed += _claim_digest_companions(claimed, now=now)
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
    prepared = _prepare(batch, now=now)
    for rows in _groups(batch):
        outcomes.update(_send_group(rows, prepared, now=now))
    return outcomes


def _digest(row: Reminder) -> str:
    known = _kinds.get(row.kind)
    return known.digest if known is not None else ""


def _claim_digest_companions(claimed: list[int], *, now: datetime.datetime) -> list[int]:
    """Claim the recipients' other never-tried rows of the digests among ``claimed``."""
    digest_kinds = [name for name, known in _kinds.items() if known.digest]
    found = set(
        Reminder.objects.filter(pk__in=claimed, kind__in=digest_kinds)
        .order_by()
        .values_list("recipient_id", "kind")
    )
    if not found:
        return []
    digests = {_kinds[name].digest for _recipient, name in found}
    ids = (
        Reminder.objects.filter(
            status=Reminder.Status.PENDING,
            attempts=0,
            recipient_id__in={recipient for recipient, _name in found},
            kind__in=[name for name in digest_kinds if _kinds[name].digest in digests],
        )
        .exclude(pk__in=claimed)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return claim_batch(reminder_ids=list(ids), now=now)


def _groups(batch: list[Reminder]) -> list[list[Reminder]]:
    """Return the rows sent as one message: a digest's rows per recipient, any other alone."""
    groups: dict[tuple, list[Reminder]] = {}
    for row in batch:
        digest = _digest(row)
        key = (digest, row.recipient_id) if digest else ("", row.pk)
        groups.setdefault(key, []).append(row)
    return list(groups.values())


def _prepare(batch: list[Reminder], *, now: datetime.datetime) -> dict[int, Any]:
    """Call each kind's ``prepare`` once for all the rows of the batch that share it."""
    groups: dict[Preparer, list[Reminder]] = defaultdict(list)
    for row in batch:
        known = _kinds.get(row.kind)
        if known is not None and known.prepare is not None:
            groups[known.prepare].append(row)
    prepared: dict[int, Any] = {}
    for prepare, rows in groups.items():
        prepared.update(prepare(rows, now=now))
    return prepared


def compose(reminder: Reminder, *, now: datetime.datetime, prepared: Any = None) -> Message | None:
    """Return the row's message in the site's language, or None when it is no longer needed."""
    return compose_rows([reminder], now=now, prepared={reminder.pk: prepared})


def compose_rows(
    rows: list[Reminder], *, now: datetime.datetime, prepared: dict[int, Any]
) -> Message | None:
    """Return the message of one row, or of a recipient's rows of one digest (:func:`kind`)."""
    message = _compose_in(settings.LANGUAGE_CODE, rows, now=now, prepared=prepared)
    if message is not None:
        # The in-portal notification is read in the reader's language.
        for language, _name in settings.LANGUAGES:
            if language != settings.LANGUAGE_CODE:
                other = _compose_in(language, rows, now=now, prepared=prepared)
                if other is not None:
                    message.translations[language] = {"title": other.subject, "body": other.body}
        if message.rows is None:
            message.rows = [row.pk for row in rows]
        # Lets a mail log (and the tests) tell one row's messages apart.
        message.headers["X-Portal-Reminder"] = ", ".join(str(pk) for pk in message.rows)
        if not message.reply_to:
            message.reply_to = [hr_mailbox(_district(rows[0]))]
    return message


def _district(row: Reminder):
    """Return the district the row is about: its enrolment's, invitation's or claim's."""
    if row.enrollment_id is not None:
        return row.enrollment.session.district
    if row.invitation_id is not None:
        return row.invitation.session.district
    return row.outside_learning.district


def _compose_in(
    language: str, rows: list[Reminder], *, now: datetime.datetime, prepared: dict[int, Any]
) -> Message | None:
    known = _kinds[rows[0].kind]
    with translation.override(language):
        if known.digest:
            return known.compose(
                rows, now=now, prepared={row.pk: prepared.get(row.pk) for row in rows}
            )
        return known.compose(rows[0], now=now, prepared=prepared.get(rows[0].pk))


def _send_group(
    rows: list[Reminder], prepared: dict[int, Any], *, now: datetime.datetime
) -> dict[int, Outcome]:
    message = None
    try:
        message = compose_rows(rows, now=now, prepared=prepared)
        if message is not None and message.rows:
            deliver(message)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the rows
        error = f"{type(exc).__name__}: {exc}"[:2000]
        first = message.rows[0] if message is not None and message.rows else None
        outcomes = {}
        for row in rows:
            notify = row.pk == first
            if row.attempts >= settings.REMINDER_MAX_ATTEMPTS:
                _finish(row, Reminder.Status.FAILED, message, notify=notify, last_error=error)
                outcomes[row.pk] = Outcome.FAILED
            else:
                _finish(row, Reminder.Status.PENDING, message, notify=notify, last_error=error)
                outcomes[row.pk] = Outcome.RETRY
        return outcomes
    told = set(message.rows) if message is not None else set()
    outcomes = {}
    for row in rows:
        if row.pk not in told:
            _finish(row, Reminder.Status.SKIPPED)
            outcomes[row.pk] = Outcome.SKIPPED
            continue
        # One notification per message: on the first row it tells of.
        notify = row.pk == message.rows[0]
        _finish(row, Reminder.Status.SENT, message, notify=notify, sent_at=now, last_error="")
        outcomes[row.pk] = Outcome.SENT
    return outcomes
