"""Celery tasks of the services: each takes ids and calls one function; all are idempotent.

Services queue them by name (``asnportal.tasks.enqueue_on_commit``), never by
importing this module. The names are those of earlier releases, kept so that
the beat schedule and messages already queued in a broker still find them.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from asnportal.tasks import task_now

from . import (
    district_scans,
    enrollment_notices,
    evaluation,
    gap_summary,
    import_jobs,
    reminders,
    session_notices,
)


@shared_task(name="training.conflict_tasks.scan_conflicts")
def scan_conflicts(now: str | None = None) -> int:
    """Queue the scan of every district (beat); return how many were queued."""
    return district_scans.dispatch(now=task_now(now) if now else None)


@shared_task(
    name=district_scans.SCAN_DISTRICT_TASK,
    # Transient failures: the database or the network (a lost connection, a deadlock).
    autoretry_for=(OperationalError, InterfaceError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def scan_district(district_id: int, now: str | None = None) -> dict:
    """Record the reminders due for one district's people and queue their sending."""
    return district_scans.scan_district(district_id=district_id, now=task_now(now))


@shared_task(name=reminders.RECHECK_PERSON_TASK)
def recheck_person(person_id: int, now: str | None = None) -> int:
    """Re-check one person's conflicts after their enrolment or schedule changed."""
    return reminders.recheck_person(person_id=person_id, now=task_now(now))


@shared_task(name=reminders.RECHECK_PEOPLE_TASK)
def recheck_people(person_ids: list[int], now: str | None = None) -> int:
    """Re-check many people at once after an import of their schedules."""
    return reminders.recheck_people(person_ids=person_ids, now=task_now(now))


@shared_task(name=reminders.RECHECK_SESSION_TASK)
def recheck_session(session_id: int, now: str | None = None) -> int:
    """Re-check the participants of one session after it changed."""
    return reminders.recheck_session(session_id=session_id, now=task_now(now))


@shared_task(name=import_jobs.PREVIEW_TASK)
def preview_import(job_id: int) -> None:
    """Build the preview of a large import."""
    import_jobs.run_preview(job_id=job_id)


@shared_task(name=import_jobs.COMMIT_TASK)
def commit_import(job_id: int, actor_id: int | None, now: str | None = None) -> None:
    """Commit a large import, all or nothing."""
    import_jobs.run_commit(job_id=job_id, actor_id=actor_id, now=task_now(now))


@shared_task(name="training.hr.tasks.expire_import_jobs")
def expire_import_jobs(now: str | None = None) -> int:
    """End the import jobs that stopped moving or were never imported (beat)."""
    return import_jobs.expire_import_jobs(now=task_now(now))


@shared_task(name="training.hr.tasks.notify_session_change")
def notify_session_change(session_id: int, change: str) -> int:
    """Kept for messages queued by an older release: records the notices (idempotent)."""
    return session_notices.send_session_change(session_id=session_id, change=change)


@shared_task(
    name="training.selfservice.tasks.send_enrollment_notice",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_enrollment_notice(enrollment_id: int, event: str) -> int:
    """Kept for messages queued by an older release: records the notice (idempotent)."""
    return enrollment_notices.send_enrollment_notice(enrollment_id=enrollment_id, event=event)


@shared_task(name=evaluation.REQUEST_TASK)
def request_behaviour_evaluations(now: str | None = None) -> dict:
    """Ask supervisors for the level-3 ratings now due, and remind once (beat)."""
    return evaluation.run_behaviour_evaluations(now=task_now(now))


@shared_task(name=gap_summary.REFRESH_TASK)
def refresh_gap_summary(district_id: int, now: str | None = None) -> int:
    """Recompute one district's competency gap matrix (queued after a change)."""
    return gap_summary.refresh(district_id, now=task_now(now))


@shared_task(name=gap_summary.REFRESH_ALL_TASK)
def refresh_gap_summaries(now: str | None = None) -> int:
    """Recompute every district's competency gap matrix (beat)."""
    return gap_summary.refresh_all(now=task_now(now))
