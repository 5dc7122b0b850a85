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
4. **Send** (:func:`send_batch`). The kind's composer makes the message from
   the current data, loaded for the whole batch at once; it returns None when
   the message is no longer true (a resolved clash, a cancelled session or
   enrolment), and the row becomes ``skipped``. The batch's messages and
   in-portal notifications (once per row) are recorded in one transaction,
   then the emails go out over one connection to the mail server and each
   row becomes ``sent`` as soon as the server accepted its email. A failure
   puts the row back to ``pending`` with the error and the attempt count
   (retried with exponential backoff, :func:`retry_delay`); after
   ``settings.REMINDER_MAX_ATTEMPTS`` it ends ``failed`` with the reason.
5. **Sweep.** Rows left ``sending`` longer than ``settings.REMINDER_STALE_SECONDS``
   (a worker killed mid-send) go back to ``pending`` and are queued again.
   The only window for a duplicate is a worker dying between the mail
   server's acceptance and the ``UPDATE`` to ``sent`` (milliseconds).
"""

import contextlib
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
from .compose import Mailer, Message, deliver, hr_mailbox

# Rows per task: what a batch looks up, its task and its mail conversation are shared
# by this many (10,000 reminders: 21.2 s with 250, 25.1 s with 100, same load); a
# worker killed mid-batch leaves at most this many for the sweeper.
BATCH_SIZE = 250
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
    """Send, here and in batches, every pending row not waiting for a retry (no Celery)."""
    stale = now - datetime.timedelta(seconds=settings.REMINDER_STALE_SECONDS)
    ids = (
        Reminder.objects.filter(status=Reminder.Status.PENDING)
        .filter(Q(attempts=0) | Q(claimed_at__lt=stale) | Q(claimed_at__isnull=True))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ids = list(ids)
    final: dict[int, Outcome] = {}
    for start in range(0, len(ids), BATCH_SIZE):
        for reminder_id, outcome in send_batch(
            reminder_ids=ids[start : start + BATCH_SIZE], now=now
        ).items():
            # A digest's companion is sent with an earlier batch: not claimed again later.
            if final.get(reminder_id, Outcome.NOT_CLAIMED) == Outcome.NOT_CLAIMED:
                final[reminder_id] = outcome
    outcomes: dict[str, int] = {}
    for outcome in final.values():
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
    """Claim the batch, compose its messages, record them, send them; return the outcomes.

    The bookkeeping is set-based: one conditional UPDATE claims the batch (and
    the recipients' other rows of a digest, sent in the same message), one
    query loads it, each kind's ``prepare`` finds what the whole batch needs
    (:func:`kind`), and the composed messages are recorded in one transaction
    before any is sent: the rows' subject and body, the in-portal
    notifications, the rows no longer needed (``skipped``). The emails then go
    out over one connection to the mail server, and each is marked ``sent``
    right after the server accepted it (one UPDATE each), so a worker dying
    mid-batch leaves the rest ``sending`` for the sweeper and sends none twice.
    The failures are recorded together at the end.
    """
    claimed = claim_batch(reminder_ids=reminder_ids, now=now)
    outcomes = dict.fromkeys(reminder_ids, Outcome.NOT_CLAIMED)
    if not claimed:
        return outcomes
    claimed += _claim_digest_companions(claimed, now=now)
    batch = _load(claimed)
    prepared = _prepare(batch, now=now)
    letters: list[tuple[list[Reminder], Message]] = []
    skipped: list[Reminder] = []
    failures: list[tuple[list[Reminder], str]] = []
    for rows in _groups(batch):
        try:
            message = compose_rows(rows, now=now, prepared=prepared)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded on the rows
            failures.append((rows, _error(exc)))
            continue
        told = set(message.rows or []) if message is not None else set()
        skipped += [row for row in rows if row.pk not in told]
        if told:
            letters.append(([row for row in rows if row.pk in told], message))
    _record_composed(letters, skipped)
    outcomes.update(dict.fromkeys((row.pk for row in skipped), Outcome.SKIPPED))
    with Mailer() as mailer, _quick_commits() as quick:
        for rows, message in letters:
            try:
                deliver(message, mailer)
            except Exception as exc:  # noqa: BLE001 - any failure is recorded on the rows
                failures.append((rows, _error(exc)))
                continue
            _mark_sent(rows, now=now, quick=quick)
            outcomes.update(dict.fromkeys((row.pk for row in rows), Outcome.SENT))
    outcomes.update(_record_failures(failures))
    return outcomes


def _load(ids: list[int]) -> list[Reminder]:
    """Load the claimed rows with what their messages are made of (a fixed number of queries)."""
    return list(
        Reminder.objects.select_related(
            "recipient",
            "enrollment__session__program",
            "enrollment__session__district",
            "enrollment__session__venue",
            "enrollment__civil_servant",
            "invitation__session__district",
            "outside_learning__civil_servant__district",
        )
        .prefetch_related("enrollment__session__meetings__venue")
        .filter(pk__in=ids)
        .order_by("pk")
    )


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _record_composed(letters: list[tuple[list[Reminder], Message]], skipped: list[Reminder]):
    """Record, in one transaction, what is about to be sent and what is no longer needed.

    The rows keep their message's subject and body; one in-portal notification
    per message, on the first row it tells of (the one-to-one key: once per row,
    also over retries).
    """
    told = []
    notifications = []
    for rows, message in letters:
        for row in rows:
            row.subject, row.body = message.subject[:255], message.body
            told.append(row)
        notifications.append(
            Notification(
                reminder_id=message.rows[0],
                recipient_id=rows[0].recipient_id,
                title=message.subject[:255],
                body=message.body,
                url=message.url,
                translations=message.translations,
            )
        )
    with transaction.atomic():
        _write_messages(told)
        if notifications:
            Notification.objects.bulk_create(notifications, ignore_conflicts=True)
        if skipped:
            Reminder.objects.filter(
                pk__in=[row.pk for row in skipped], status=Reminder.Status.SENDING
            ).update(status=Reminder.Status.SKIPPED)


def _write_messages(rows: list[Reminder]) -> None:
    """Store the rows' subjects and bodies: one UPDATE joined to a VALUES list per 500 rows."""
    table = connection.ops.quote_name(Reminder._meta.db_table)
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        values = ", ".join(["(%s, %s, %s)"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH v (id, subject, body) AS (VALUES {values}) "
                f"UPDATE {table} SET subject = v.subject, body = v.body "
                f"FROM v WHERE {table}.id = v.id",
                [value for row in chunk for value in (row.pk, row.subject, row.body)],
            )


@contextlib.contextmanager
def _quick_commits():
    """On PostgreSQL, yield True: marks commit without waiting for the disk; wait once at the end.

    Each mark is then its own transaction with ``SET LOCAL synchronous_commit TO
    off`` (local to that transaction, so that a pooled server connection, as
    pgbouncer's transaction pooling hands out, is never left changed). A mark
    committed this way is visible to every other connection at once (the
    sweeper sees it ``sent`` even if this worker is killed the next moment) and
    reaches the disk within ``3 x wal_writer_delay``; the durable commit at the
    end waits for it and for every mark before it. Only a crash of the database
    server in that fraction of a second could lose a mark (the email would then
    go out again). ``settings.REMINDER_ASYNC_SENT_MARKS = False`` makes every
    mark wait for the disk instead.
    """
    quick = (
        connection.vendor == "postgresql"
        and settings.REMINDER_ASYNC_SENT_MARKS
        and not connection.in_atomic_block
    )
    try:
        yield quick
    finally:
        if quick:
            with connection.cursor() as cursor:
                # A transaction with an id writes a commit record, and a synchronous
                # commit waits until the log up to it, every mark before it, is on disk.
                cursor.execute("SELECT txid_current()")


def _mark_sent(rows: list[Reminder], *, now: datetime.datetime, quick: bool = False) -> None:
    """Mark one message's rows ``sent`` (its own commit: the mail server has accepted it).

    ``quick`` (see ``_quick_commits``): the commit does not wait for the disk.
    """
    table = connection.ops.quote_name(Reminder._meta.db_table)
    marks = ", ".join(["%s"] * len(rows))
    with transaction.atomic() if quick else contextlib.nullcontext(), connection.cursor() as cursor:
        if quick:
            cursor.execute("SET LOCAL synchronous_commit TO off")
        cursor.execute(
            f"UPDATE {table} SET status = %s, sent_at = %s, last_error = '' "
            f"WHERE id IN ({marks}) AND status = %s",
            [
                Reminder.Status.SENT,
                connection.ops.adapt_datetimefield_value(now),
                *(row.pk for row in rows),
                Reminder.Status.SENDING,
            ],
        )


def _record_failures(failures: list[tuple[list[Reminder], str]]) -> dict[int, Outcome]:
    """Put the failed rows back to ``pending`` for a retry, or end them ``failed``.

    One UPDATE per outcome and reason (a mail server outage fails a whole batch
    with one reason).
    """
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    outcomes = {}
    for rows, error in failures:
        for row in rows:
            final = row.attempts >= settings.REMINDER_MAX_ATTEMPTS
            status = Reminder.Status.FAILED if final else Reminder.Status.PENDING
            groups[(status, error)].append(row.pk)
            outcomes[row.pk] = Outcome.FAILED if final else Outcome.RETRY
    with transaction.atomic():
        for (status, error), ids in groups.items():
            Reminder.objects.filter(pk__in=ids, status=Reminder.Status.SENDING).update(
                status=status, last_error=error
            )
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
            message.reply_to = [hr_mailbox(_district_of(rows[0]))]
    return message


def _district_of(row: Reminder):
    """Return the district whose HR answers replies: the session's, or the claimant's."""
    if row.enrollment_id:
        return row.enrollment.session.district
    if row.invitation_id:
        return row.invitation.session.district
    return row.outside_learning.civil_servant.district


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
