"""Writes of the conflicts area: resolve, switch, cancel, read notifications."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..models import ConflictResolution, Enrollment, Notification, Reminder, TrainingSession
from ..services import enrollment as enrollment_service
from ..services.enrollment import EnrollmentError
from ..services.reminders import Kind, queue_person_recheck


def mark_resolved(
    *,
    enrollment: Enrollment,
    fingerprint: str,
    note: str,
    actor: AbstractBaseUser | None,
) -> ConflictResolution:
    """Record that the person handled this conflict; its pending reminders are dropped."""
    with transaction.atomic():
        resolution = ConflictResolution.objects.filter(
            enrollment=enrollment, fingerprint=fingerprint
        ).first()
        if resolution is None:
            resolution = ConflictResolution(
                enrollment=enrollment, fingerprint=fingerprint, note=note, resolved_by=actor
            )
            resolution.full_clean()
            resolution.save()
        Reminder.objects.filter(
            enrollment=enrollment,
            kind=Kind.CONFLICT,
            fingerprint=fingerprint,
            status=Reminder.Status.PENDING,
        ).update(status=Reminder.Status.SKIPPED)
    return resolution


def switch_session(
    *,
    enrollment: Enrollment,
    to_session: TrainingSession,
    actor: AbstractBaseUser | None,
    now: datetime.datetime,
) -> Enrollment:
    """Move the person to another session of the same program, in one transaction.

    The old enrolment is cancelled and the new one taken together; if the new
    session cannot give a seat now (full, closed, clashing), nothing changes.
    """
    if (
        to_session.program_id != enrollment.session.program_id
        or to_session.pk == enrollment.session_id
    ):
        raise EnrollmentError(_("Choose another session of the same program."), "not_same_program")
    with transaction.atomic():
        enrollment_service.cancel_enrollment(
            enrollment=enrollment,
            actor=actor,
            now=now,
            reason=str(_("Switched to another session")),
        )
        new = enrollment_service.enroll(
            session=to_session, person=enrollment.civil_servant, actor=actor, now=now
        )
        if new.status == Enrollment.Status.WAITLISTED:
            raise EnrollmentError(
                _("That session has just filled up; your enrolment is unchanged."), "full"
            )
        queue_person_recheck(enrollment.civil_servant_id)
    return new


def cancel(*, enrollment: Enrollment, actor: AbstractBaseUser | None, now: datetime.datetime):
    """Cancel the enrolment (the waitlist moves up) and re-check the person."""
    with transaction.atomic():
        result = enrollment_service.cancel_enrollment(
            enrollment=enrollment, actor=actor, now=now, reason=str(_("Schedule clash"))
        )
        queue_person_recheck(enrollment.civil_servant_id)
    return result


def mark_read(*, person_id: int, now: datetime.datetime, notification_id: int | None = None) -> int:
    """Mark one or all of the person's notifications read; return how many changed."""
    unread = Notification.objects.filter(recipient_id=person_id, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=now)
