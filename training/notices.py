"""Notices: what people are told after an enrolment or a session changed.

A notice is a :class:`~training.models.Reminder` of one of the ``NOTICE_KINDS``,
recorded in the transaction of the change itself, under the key
``(enrollment, kind, fingerprint)``; the fingerprint names the change (the
enrolment event, or the session's new times). It is then claimed, sent,
retried and swept exactly like a reminder (:mod:`training.reminders`): a
broker outage delays it, a retried task never sends it twice.

The message is composed when it is sent, from the current data; a notice
that a later change made untrue (a confirmation of an enrolment cancelled
since, a reschedule to times changed again) is ``skipped``.
"""

import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from districts.models import CivilServant

from .models import Enrollment, Reminder, TrainingSession
from .reminder_messages import Message
from .selfservice import ical

Kind = Reminder.Kind
Status = Enrollment.Status

# Enrolment events (see ``training.enrollment``) and the kind of their notice.
EVENT_KINDS = {
    "approved": Kind.ENROLLED,
    "requested": Kind.ENROLLED,
    "waitlisted": Kind.ENROLLED,
    "promoted": Kind.PROMOTED,
    "request_approved": Kind.DECISION,
    "request_rejected": Kind.DECISION,
    "cancelled": Kind.UNENROLLED,
}
# The enrolment statuses in which the event's notice is still true.
EXPECTED = {
    "approved": {Status.APPROVED},
    "requested": {Status.REQUESTED},
    "waitlisted": {Status.WAITLISTED},
    "promoted": {Status.APPROVED, Status.REQUESTED},
    "request_approved": {Status.APPROVED},
    "request_rejected": {Status.REJECTED},
    "cancelled": {Status.CANCELLED},
}
SESSION_KINDS = {"rescheduled": Kind.RESCHEDULED, "cancelled": Kind.SESSION_CANCELLED}
NOTICE_KINDS = frozenset(EVENT_KINDS.values()) | {Kind.APPROVAL, *SESSION_KINDS.values()}
# Events after which the person holds a seat: the email carries the invitation.
WITH_INVITATION = {"approved", "promoted", "request_approved"}
REQUEST = ical.REQUEST_MIMETYPE
CANCEL = ical.CANCEL_MIMETYPE


def enrollment_notice_rows(enrollment: Enrollment, event: str) -> list[Reminder]:
    """Return the unsaved notices of an enrolment ``event`` (and the supervisor's request)."""
    rows = [
        Reminder(
            enrollment_id=enrollment.pk,
            kind=EVENT_KINDS[event],
            fingerprint=event,
            recipient_id=enrollment.civil_servant_id,
        )
    ]
    if enrollment.status == Status.REQUESTED:
        supervisor_id = (
            CivilServant.objects.filter(pk=enrollment.civil_servant_id)
            .values_list("supervisor_id", flat=True)
            .first()
        )
        if supervisor_id:
            rows.append(
                Reminder(
                    enrollment_id=enrollment.pk,
                    kind=Kind.APPROVAL,
                    fingerprint=event,
                    recipient_id=supervisor_id,
                )
            )
    return rows


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
    session: TrainingSession, change: str, enrollments: list[Enrollment]
) -> list[Reminder]:
    """Return one unsaved notice of ``change`` per enrolment in ``enrollments``."""
    fingerprint = session_fingerprint(session) if change == "rescheduled" else change
    return [
        Reminder(
            enrollment_id=item.pk,
            kind=SESSION_KINDS[change],
            fingerprint=fingerprint,
            recipient_id=item.civil_servant_id,
        )
        for item in enrollments
    ]


# --------------------------------------------------------------------------
# Composing (at sending time)
# --------------------------------------------------------------------------


def compose_notice(reminder: Reminder, *, now: datetime.datetime) -> Message | None:
    """Return the notice's message, or None when the change it tells of is no longer true."""
    enrollment = reminder.enrollment
    session = enrollment.session
    if session.start <= now:
        return None
    if reminder.kind in (Kind.RESCHEDULED, Kind.SESSION_CANCELLED):
        return _session_change(reminder, enrollment, session, now=now)
    if session.status == TrainingSession.Status.CANCELLED:
        return None
    event = reminder.fingerprint
    if enrollment.status not in EXPECTED.get(event, ()):
        return None
    if reminder.kind == Kind.APPROVAL:
        if enrollment.status != Status.REQUESTED:
            return None
        return _approval_request(reminder, enrollment, session)
    return _enrollment_notice(reminder, enrollment, session, event, now=now)


def _context(enrollment: Enrollment, session: TrainingSession, event: str) -> dict:
    return {
        "enrollment": enrollment,
        "person": enrollment.civil_servant,
        "session": session,
        "event": event,
        "session_url": settings.PORTAL_BASE_URL + reverse("training:session", args=[session.pk]),
        "home_url": settings.PORTAL_BASE_URL + reverse("home"),
    }


def _to(person: CivilServant) -> list[str]:
    return [person.email] if person.email else []


def _enrollment_notice(reminder, enrollment, session, event, *, now) -> Message:
    from .selfservice.notices import SUBJECTS

    if event == "promoted" and enrollment.status == Status.REQUESTED:
        event = "requested"
    person = enrollment.civil_servant
    attachments = []
    if event in WITH_INVITATION:
        attachments.append(
            ("undangan.ics", ical.invitation(session, person=person, now=now), REQUEST)
        )
    elif event == "cancelled":
        attachments.append(
            (
                "pembatalan.ics",
                ical.invitation(session, person=person, now=now, cancel=True),
                CANCEL,
            )
        )
    return Message(
        subject=_(SUBJECTS[event]) % {"title": session.program.title},
        body=render_to_string("emails/enrollment_notice.txt", _context(enrollment, session, event)),
        to=_to(reminder.recipient),
        url=reverse("training:session", args=[session.pk]),
        attachments=attachments,
    )


def _approval_request(reminder, enrollment, session) -> Message:
    person = enrollment.civil_servant
    return Message(
        subject=_("Approval needed: %(name)s asks to join %(title)s")
        % {"name": person.full_name, "title": session.program.title},
        body=render_to_string(
            "emails/enrollment_request_supervisor.txt",
            _context(enrollment, session, "requested"),
        ),
        to=_to(reminder.recipient),
        url=reverse("home"),
    )


def _session_change(reminder, enrollment, session, *, now) -> Message | None:
    from .hr.notifications import SUBJECTS

    if enrollment.status not in Enrollment.ACTIVE:
        return None
    person = enrollment.civil_servant
    holds_seat = enrollment.status == Status.APPROVED
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
                ("undangan.ics", ical.invitation(session, person=person, now=now), REQUEST)
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
                    CANCEL,
                )
            )
    return Message(
        subject=str(SUBJECTS[change]) % {"title": session.program.title},
        body=render_to_string(
            "emails/hr_session_changed.txt",
            {"session": session, "person": person, "change": change},
        ),
        to=_to(reminder.recipient),
        url=reverse("training:session", args=[session.pk]),
        attachments=attachments,
    )
