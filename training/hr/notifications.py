"""Notices to the people enrolled in a session that was rescheduled or cancelled.

They are recorded as reminders of kind ``rescheduled`` / ``sess_cancel`` in the
transaction of the change and sent by the reminders machinery
(:mod:`training.notices` composes them, with the updated ``.ics``).
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from training.models import TrainingSession

from .scheduling import enrolled_people

SUBJECTS = {
    "rescheduled": _("Training session rescheduled: %(title)s"),
    "cancelled": _("Training session cancelled: %(title)s"),
}


def record_session_change(*, session: TrainingSession, change: str) -> int:
    """Record one notice of ``change`` per enrolled person, queued after the commit.

    Return how many were candidates.
    """
    from training import notices, reminders

    rows = notices.session_change_rows(session, change, list(enrolled_people(session)))
    with transaction.atomic():
        reminders.record_and_queue(rows)
    return len(rows)


def send_session_change(*, session_id: int, change: str) -> int:
    """Record the notices of ``change`` (for tasks queued by an older release)."""
    session = TrainingSession.objects.filter(pk=session_id).first()
    return record_session_change(session=session, change=change) if session else 0
