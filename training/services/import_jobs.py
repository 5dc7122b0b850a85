"""Import jobs: upload, preview (now or in a Celery task), commit all-or-nothing.

Every job ends: committed, failed (with the reason HR reads on its page),
discarded by HR, or expired. Whatever goes wrong while a file is checked or
written ends the job as failed; a job whose worker vanished is failed by
``expire_import_jobs`` once it has not moved for ``STALE_AFTER``, and a
preview nobody imports expires after ``PREVIEW_TTL``.
"""

import datetime
import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asnportal.tasks import enqueue_on_commit
from districts.models import District
from districts.validation import CONTROL_CHARACTERS

from ..models import AuditEntry, ImportJob
from . import audit, imports, people_writes, reminders, schedule_writes
from .import_files import BACKGROUND_ROWS, count_rows, read_table

# The Celery tasks of training.services.tasks, queued by name (kept from earlier releases).
PREVIEW_TASK = "training.hr.tasks.preview_import"
COMMIT_TASK = "training.hr.tasks.commit_import"
SPECS = {
    ImportJob.Kind.PERSONNEL: (
        imports.PERSONNEL_COLUMNS,
        imports.PERSONNEL_REQUIRED,
        imports.preview_personnel,
    ),
    ImportJob.Kind.SCHEDULE: (
        imports.SCHEDULE_COLUMNS,
        imports.SCHEDULE_REQUIRED,
        imports.preview_schedule,
    ),
}
logger = logging.getLogger(__name__)

PREVIEW_TTL = datetime.timedelta(hours=24)
STALE_AFTER = datetime.timedelta(hours=1)
RUNNING = (ImportJob.Status.UPLOADED, ImportJob.Status.PREVIEWING, ImportJob.Status.COMMITTING)


def _table(job: ImportJob, data: bytes) -> list:
    columns, required, _preview = SPECS[job.kind]
    return read_table(name=job.original_name, data=data, columns=columns, required=required)


def start_import(*, district: District, kind: str, name: str, data: bytes, actor) -> ImportJob:
    """Check the file's shape and limits, store it, and preview it (in the background if big).

    Within the request only what is cheap is checked (size, header, rows
    counted); a big file's rows are read by the background preview.
    """
    name = CONTROL_CHARACTERS.sub("", name).strip()[:255] or "berkas"
    job = ImportJob(district=district, kind=kind, original_name=name, uploaded_by=actor)
    columns, required, _preview = SPECS[kind]
    rows = count_rows(name=name, data=data, columns=columns, required=required)
    background = rows > BACKGROUND_ROWS
    table = None if background else _table(job, data)
    with transaction.atomic():
        job.total_rows = rows if background else len(table)
        job.file.save(name, ContentFile(data), save=False)
        job.full_clean()
        job.save()
        if background:
            ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.PREVIEWING)
            enqueue_on_commit(PREVIEW_TASK, job.pk, run_here_if_down=True)
    if not background:
        run_preview(job_id=job.pk)
    job.refresh_from_db()
    return job


def run_preview(*, job_id: int) -> None:
    """Build the job's preview; safe to run twice (the result is the same)."""
    job = ImportJob.objects.select_related("district").get(pk=job_id)
    if job.status not in {ImportJob.Status.UPLOADED, ImportJob.Status.PREVIEWING}:
        return
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.PREVIEWING, updated_at=timezone.now()
    )

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, updated_at=timezone.now())

    try:
        with job.file.open("rb") as handle:
            table = _table(job, handle.read())
        preview = SPECS[job.kind][2](district=job.district, table=table, progress=progress)
        with transaction.atomic():
            # Only a job still being checked: one failed meanwhile stays failed.
            ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWING).update(
                status=ImportJob.Status.PREVIEWED,
                preview=preview,
                total_rows=len(table),
                processed_rows=len(table),
                updated_at=timezone.now(),
            )
    except ValidationError as exc:
        _fail(job, imports.joined(exc))
    except OSError:
        _fail(job, _("The uploaded file could not be read."))
    except Exception:
        logger.exception("Import %s: the preview failed", job.pk)
        _fail(job, _unexpected())


def _unexpected() -> str:
    return _(
        "The file could not be checked because of an unexpected error; nothing was saved. "
        "Upload it again, or ask the administrator if it happens again."
    )


def _errors(reason) -> dict:
    """Return the fields that store a (lazy) reason, in the site's and every language."""
    return {
        "error": CONTROL_CHARACTERS.sub(" ", str(reason)),
        "error_messages": {
            language: CONTROL_CHARACTERS.sub(" ", text)
            for language, text in imports.in_every_language(reason).items()
        },
    }


def _fail(job: ImportJob, reason) -> None:
    """End ``job`` as failed with ``reason`` (lazy); its file serves no one now."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED,
        updated_at=timezone.now(),
        **_errors(reason),
    )
    _delete_file(job)


def _delete_file(job: ImportJob) -> None:
    try:
        job.file.delete(save=False)
    except OSError:
        logger.warning("Import %s: its file could not be deleted", job.pk)


def request_commit(*, job: ImportJob, actor, now: datetime.datetime) -> bool:
    """Claim a previewed job for committing; commit now or queue it. Return False if taken."""
    claimed = ImportJob.objects.filter(
        pk=job.pk, status=ImportJob.Status.PREVIEWED, updated_at__gt=now - PREVIEW_TTL
    ).update(status=ImportJob.Status.COMMITTING, processed_rows=0, updated_at=now)
    if not claimed:
        return False
    if job.total_rows > BACKGROUND_ROWS:
        enqueue_on_commit(COMMIT_TASK, job.pk, actor.pk, run_here_if_down=True, now=now)
    else:
        run_commit(job_id=job.pk, actor_id=actor.pk, now=now)
    return True


def discard(*, job: ImportJob) -> bool:
    """Drop a preview HR will not import, with its file. Return False if it is too late."""
    discarded = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED).update(
        status=ImportJob.Status.DISCARDED, preview={}, updated_at=timezone.now()
    )
    if discarded:
        _delete_file(job)
    return bool(discarded)


def expire_import_jobs(*, now: datetime.datetime) -> int:
    """Expire previews past ``PREVIEW_TTL``; fail jobs that stopped moving. Return how many."""
    ended = 0
    old_previews = ImportJob.objects.filter(
        status=ImportJob.Status.PREVIEWED, updated_at__lte=now - PREVIEW_TTL
    )
    for job in old_previews.only("pk", "file"):
        reason = imports.interpolate(
            _("The preview was not imported within %(hours)d hours and has expired."),
            {"hours": PREVIEW_TTL // datetime.timedelta(hours=1)},
        )
        if ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED).update(
            status=ImportJob.Status.EXPIRED, preview={}, updated_at=now, **_errors(reason)
        ):
            _delete_file(job)
            ended += 1
    stalled = ImportJob.objects.filter(status__in=RUNNING, updated_at__lte=now - STALE_AFTER)
    for job in stalled.only("pk", "file", "status"):
        reason = _(
            "The work on this file stopped without finishing (the server may have restarted); "
            "nothing was saved. Upload the file again."
        )
        # Conditional: a commit still holding the row finishes first, and wins.
        if ImportJob.objects.filter(pk=job.pk, status=job.status).update(
            status=ImportJob.Status.FAILED, updated_at=now, **_errors(reason)
        ):
            _delete_file(job)
            ended += 1
    return ended


def run_commit(*, job_id: int, actor_id: int | None, now: datetime.datetime) -> None:
    """Write the accepted rows of a claimed job in one transaction, or nothing.

    The job row stays locked while it is written, so a task delivered twice
    (a retry, a restarted worker) finds it committed and writes nothing again.
    """
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("district").get(pk=job_id)
        if job.status != ImportJob.Status.COMMITTING:
            return
        actor = get_user_model().objects.filter(pk=actor_id).first()
        rows = [row for row in job.preview.get("rows", []) if row["action"] != "reject"]
        try:
            with transaction.atomic():
                if job.kind == ImportJob.Kind.PERSONNEL:
                    people_writes.write_people(job.district, rows)
                else:
                    _commit_schedule(rows, actor, now=now)
                audit.record(
                    session=None,
                    district_id=job.district_id,
                    actor=actor,
                    action=AuditEntry.Action.IMPORTED,
                    detail=f"{job.get_kind_display()}: {job.original_name}, {len(rows)}",
                )
                ImportJob.objects.filter(pk=job.pk).update(
                    status=ImportJob.Status.COMMITTED,
                    processed_rows=len(rows),
                    committed_at=now,
                    updated_at=now,
                )
        except (ValidationError, DatabaseError) as exc:
            reason = imports.joined(exc) if isinstance(exc, ValidationError) else str(exc)
            _fail(
                job, imports.interpolate(_("Nothing was imported: %(reason)s"), {"reason": reason})
            )
        except Exception:
            logger.exception("Import %s: the commit failed", job.pk)
            _fail(
                job,
                imports.interpolate(
                    _("Nothing was imported: %(reason)s"), {"reason": _unexpected()}
                ),
            )


def _commit_schedule(rows: list[dict], actor, *, now: datetime.datetime) -> None:
    schedule_writes.write_entries(rows, actor=actor, now=now)
    # The new shifts may clash with sessions the people are enrolled in.
    reminders.queue_people_recheck((row["values"]["civil_servant_id"] for row in rows), now=now)
