"""Celery tasks of the self-service area: they take ids and call one function."""

from celery import shared_task

from . import notices


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_enrollment_notice(enrollment_id: int, event: str) -> int:
    """Kept for messages queued by an older release: records the notice (idempotent)."""
    return notices.send_enrollment_notice(enrollment_id=enrollment_id, event=event)
