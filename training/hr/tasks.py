"""Celery tasks of the HR area: take ids, call one function."""

from celery import shared_task


@shared_task
def notify_session_change(session_id: int, change: str) -> int:
    from .notifications import send_session_change

    return send_session_change(session_id=session_id, change=change)
