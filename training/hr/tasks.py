"""Celery tasks of the HR area: take ids, call one function."""

from celery import shared_task


@shared_task
def notify_session_change(session_id: int, change: str) -> int:
    from .notifications import send_session_change

    return send_session_change(session_id=session_id, change=change)


@shared_task
def preview_import(job_id: int) -> None:
    from .import_jobs import run_preview

    run_preview(job_id=job_id)


@shared_task
def commit_import(job_id: int, actor_id: int | None) -> None:
    from .import_jobs import run_commit

    run_commit(job_id=job_id, actor_id=actor_id)


@shared_task
def expire_import_jobs() -> int:
    from django.utils import timezone

    from .import_jobs import expire_import_jobs

    return expire_import_jobs(now=timezone.now())
