"""What a person is told about an enrolment: the subjects, and the recording of a notice.

The messages are composed and sent by the reminders machinery
(:mod:`training.notices`, :mod:`training.reminders`).
"""

from django.db import transaction
from django.utils.translation import gettext_noop as N_

from ..models import Enrollment

SUBJECTS = {
    "approved": N_("You are enrolled: %(title)s"),
    "requested": N_("Enrolment request sent to your supervisor: %(title)s"),
    "waitlisted": N_("You are on the waitlist: %(title)s"),
    "promoted": N_("A seat is free for you: %(title)s"),
    "cancelled": N_("Enrolment cancelled: %(title)s"),
    "request_approved": N_("Your supervisor approved: %(title)s"),
    "request_rejected": N_("Your supervisor rejected: %(title)s"),
}


def record_enrollment_notice(*, enrollment: Enrollment, event: str) -> None:
    """Record the notices of ``event`` now and queue their sending after the commit."""
    from .. import notices, reminders

    with transaction.atomic():
        reminders.record_and_queue(notices.enrollment_notice_rows(enrollment, event))


def send_enrollment_notice(*, enrollment_id: int, event: str) -> int:
    """Record the notice of ``event`` (for tasks queued before notices were recorded)."""
    enrollment = Enrollment.objects.filter(pk=enrollment_id).first()
    if enrollment is None or event not in SUBJECTS:
        return 0
    record_enrollment_notice(enrollment=enrollment, event=event)
    return 1
