"""Celery tasks of the outbox: send a batch, retry one row with backoff, sweep (beat).

They take ids and call one function of :mod:`training.messages.outbox`. The
names are those of earlier releases (kept for the beat schedule and for
batches already queued in a broker).
"""

from celery import shared_task
from django.utils import timezone

from . import outbox


@shared_task(name="training.conflict_tasks.sweep_reminders")
def sweep_reminders() -> int:
    """Queue again the messages left pending or stuck while sending (beat)."""
    return outbox.sweep(now=timezone.now())


@shared_task(name=outbox.SEND_TASK)
def send_reminders(reminder_ids: list[int]) -> dict:
    """Send a batch of messages; failed ones come back one by one with backoff."""
    outcomes = {}
    results = outbox.send_batch(reminder_ids=reminder_ids, now=timezone.now())
    for reminder_id, outcome in results.items():
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if outcome == outbox.Outcome.RETRY:
            retry_reminder.apply_async(
                (reminder_id,), countdown=outbox.retry_delay(outbox.attempts(reminder_id))
            )
    return outcomes


@shared_task(name="training.conflict_tasks.retry_reminder")
def retry_reminder(reminder_id: int) -> str:
    """Send one message again; back off exponentially while it keeps failing.

    The row's ``attempts`` counts the tries and ends the chain as ``failed``.
    """
    outcome = outbox.send_reminder(reminder_id=reminder_id, now=timezone.now())
    if outcome == outbox.Outcome.RETRY:
        retry_reminder.apply_async(
            (reminder_id,), countdown=outbox.retry_delay(outbox.attempts(reminder_id))
        )
    return outcome
