"""Notices to the people enrolled in a session that was rescheduled or cancelled.

They are outbox rows of kind ``rescheduled`` / ``sess_cancel`` recorded in the
transaction of the change (the fingerprint of a reschedule names the new
times) and sent by the outbox with the updated ``.ics``. A reschedule notice
whose times changed again since, or a session cancelled since, is skipped: a
later notice tells.
"""

import datetime

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..messages import ical, outbox
from ..messages.compose import Message, to
from ..models import Enrollment, Reminder, TrainingSession


class Kind:
    """The outbox kinds of this feature."""

    RESCHEDULED = "rescheduled"
    SESSION_CANCELLED = "sess_cancel"


SUBJECTS = {
    "rescheduled": _("Training session rescheduled: %(title)s"),
    "cancelled": _("Training session cancelled: %(title)s"),
}
SESSION_KINDS = {"rescheduled": Kind.RESCHEDULED, "cancelled": Kind.SESSION_CANCELLED}
NOTIFY_STATUSES = ("requested", "approved", "waitlisted")


def enrolled_people(session: TrainingSession):
    """Return the enrolments to tell about a change of the session."""
    return Enrollment.objects.filter(session=session, status__in=NOTIFY_STATUSES).select_related(
        "civil_servant"
    )


def session_fingerprint(session: TrainingSession) -> str:
    """Name a session's times as of its last save: ``start-end-updated`` (epoch numbers)."""
    return "-".join(
        [
            str(int(session.start.timestamp())),
            str(int(session.end.timestamp())),
            str(int(session.updated_at.timestamp() * 1_000_000)),
        ]
    )


def session_change_rows(
    session: TrainingSession, change: str, enrollments: list[Enrollment], moved=()
) -> list[Reminder]:
    """Return one unsaved notice of ``change`` per enrolment in ``enrollments``.

    A reschedule names the meetings that moved (``-m<id>.<id>``, as many as fit).
    """
    fingerprint = session_fingerprint(session) if change == "rescheduled" else change
    if change == "rescheduled" and moved:
        named = ""
        for meeting_id in moved:
            longer = f"{named}.{meeting_id}" if named else f"-m{meeting_id}"
            if len(fingerprint) + len(longer) > 64:
                break
            named = longer
        fingerprint += named
    return [
        Reminder(
            enrollment_id=item.pk,
            kind=SESSION_KINDS[change],
            fingerprint=fingerprint,
            recipient_id=item.civil_servant_id,
        )
        for item in enrollments
    ]


def record_session_change(*, session: TrainingSession, change: str, moved=()) -> int:
    """Record one notice of ``change`` per enrolled person, queued after the commit.

    ``moved`` names the meetings whose day or time changed. Return how many were candidates.
    """
    rows = session_change_rows(session, change, list(enrolled_people(session)), moved)
    with transaction.atomic():
        outbox.record_and_queue(rows)
    return len(rows)


def send_session_change(*, session_id: int, change: str) -> int:
    """Record the notices of ``change`` (for tasks queued by an older release)."""
    session = TrainingSession.objects.filter(pk=session_id).first()
    return record_session_change(session=session, change=change) if session else 0


def moved_meetings(fingerprint: str, session: TrainingSession) -> list:
    """Return the meetings a reschedule notice names (``…-m<id>.<id>``), at their new times."""
    _times, marker, named = fingerprint.partition("-m")
    ids = [int(part) for part in named.split(".") if part.isdigit()] if marker else []
    return list(session.meetings.filter(pk__in=ids).select_related("venue")) if ids else []


@outbox.kind(Kind.RESCHEDULED, label=_("Session rescheduled"))
@outbox.kind(Kind.SESSION_CANCELLED, label=_("Session cancelled"))
def compose_session_change(reminder: Reminder, *, now: datetime.datetime, prepared):
    """Tell a participant the session moved (new invitation) or was cancelled."""
    enrollment = reminder.enrollment
    session = enrollment.session
    if session.start <= now or enrollment.status not in Enrollment.ACTIVE:
        return None
    person = enrollment.civil_servant
    holds_seat = enrollment.status == Enrollment.Status.APPROVED
    attachments = []
    if reminder.kind == Kind.RESCHEDULED:
        change = "rescheduled"
        start, end = reminder.fingerprint.split("-")[:2]
        if session.status == TrainingSession.Status.CANCELLED or (start, end) != (
            str(int(session.start.timestamp())),
            str(int(session.end.timestamp())),
        ):
            return None  # cancelled or moved again since: a later notice tells
        if holds_seat:
            attachments.append(
                (
                    "undangan.ics",
                    ical.invitation(session, person=person, now=now),
                    ical.REQUEST_MIMETYPE,
                )
            )
    else:
        change = "cancelled"
        if session.status != TrainingSession.Status.CANCELLED:
            return None
        if holds_seat:
            attachments.append(
                (
                    "pembatalan.ics",
                    ical.invitation(session, person=person, now=now, cancel=True),
                    ical.CANCEL_MIMETYPE,
                )
            )
    return Message(
        subject=str(SUBJECTS[change]) % {"title": session.program.title},
        body=render_to_string(
            "emails/hr_session_changed.txt",
            {
                "session": session,
                "person": person,
                "change": change,
                "meetings": list(session.meetings.select_related("venue")),
                "moved": moved_meetings(reminder.fingerprint, session),
            },
        ),
        to=to(reminder.recipient),
        url=reverse("training:session", args=[session.pk]),
        attachments=attachments,
    )
