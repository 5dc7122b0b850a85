"""Celery tasks of the conflicts area: they take ids, call one function, are idempotent."""

from celery import shared_task

from asnportal.tasks import task_now

from . import reminders


@shared_task
def scan_conflicts(now: str | None = None) -> dict:
    """Record the reminders due in the scan window and queue their sending (beat)."""
    return reminders.scan(now=task_now(now))


@shared_task
def recheck_person(person_id: int, now: str | None = None) -> int:
    """Re-check one person's conflicts after their enrolment or schedule changed."""
    return reminders.recheck_person(person_id=person_id, now=task_now(now))


@shared_task
def recheck_people(person_ids: list[int], now: str | None = None) -> int:
    """Re-check many people at once after an import of their schedules."""
    return reminders.recheck_people(person_ids=person_ids, now=task_now(now))


@shared_task
def recheck_session(session_id: int, now: str | None = None) -> int:
    """Re-check the participants of one session after it changed."""
    return reminders.recheck_session(session_id=session_id, now=task_now(now))


@shared_task
def sweep_reminders(now: str | None = None) -> int:
    """Queue again the reminders left pending or stuck while sending (beat)."""
    return reminders.sweep(now=task_now(now))


@shared_task
def send_reminders(reminder_ids: list[int], now: str | None = None) -> dict:
    """Send a batch of reminders; failed ones come back one by one with backoff."""
    outcomes = {}
    results = reminders.send_batch(reminder_ids=reminder_ids, now=task_now(now))
    for reminder_id, outcome in results.items():
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if outcome == reminders.Outcome.RETRY:
            _retry_later(reminder_id)
    return outcomes


@shared_task
def retry_reminder(reminder_id: int, now: str | None = None) -> str:
    """Send one reminder again; back off exponentially while it keeps failing.

    The row's ``attempts`` counts the tries and ends the chain as ``failed``.
    """
    outcome = reminders.send_reminder(reminder_id=reminder_id, now=task_now(now))
    if outcome == reminders.Outcome.RETRY:
        _retry_later(reminder_id)
    return outcome


def _retry_later(reminder_id: int) -> None:
    # No ``now`` is passed on: the retry runs after its countdown and reads its own clock.
    retry_reminder.apply_async(
        (reminder_id,), countdown=reminders.retry_delay(_attempts(reminder_id))
    )


def _attempts(reminder_id: int) -> int:
    from .models import Reminder

    return Reminder.objects.filter(pk=reminder_id).values_list("attempts", flat=True).first() or 1
