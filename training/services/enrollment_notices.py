"""What a person is told about an enrolment, and what their supervisor is asked.

A notice is an outbox row (:mod:`training.messages.outbox`) recorded in the
transaction of the enrolment change itself, under the key ``(enrollment,
kind, fingerprint)``; the fingerprint names the enrolment event. It is then
claimed, sent, retried and swept like every message: a broker outage delays
it, a retried task never sends it twice.

The message is composed when it is sent, from the current data; a notice that
a later change made untrue (a confirmation of an enrolment cancelled since) is
``skipped``.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop as N_

from districts.models import CivilServant

from ..messages import ical, outbox
from ..messages.compose import Message, to
from ..models import Enrollment, Reminder, TrainingSession

Status = Enrollment.Status


class Kind:
    """The outbox kinds of this feature."""

    ENROLLED = "enrolled"
    PROMOTED = "promoted"
    DECISION = "decision"
    UNENROLLED = "unenrolled"
    APPROVAL = "approval_ask"


SUBJECTS = {
    "approved": N_("You are enrolled: %(title)s"),
    "requested": N_("Enrolment request sent to your supervisor: %(title)s"),
    "waitlisted": N_("You are on the waitlist: %(title)s"),
    "promoted": N_("A seat is free for you: %(title)s"),
    "cancelled": N_("Enrolment cancelled: %(title)s"),
    "request_approved": N_("Your supervisor approved: %(title)s"),
    "request_rejected": N_("Your supervisor rejected: %(title)s"),
}
# Enrolment events (see ``training.services.enrollment``) and the kind of their notice.
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
# Events after which the person holds a seat: the email carries the invitation.
WITH_INVITATION = {"approved", "promoted", "request_approved"}


# --------------------------------------------------------------------------
# Recording (in the transaction of the change)
# --------------------------------------------------------------------------


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


def record_enrollment_notice(*, enrollment: Enrollment, event: str) -> None:
    """Record the notices of ``event`` now and queue their sending after the commit."""
    with transaction.atomic():
        outbox.record_and_queue(enrollment_notice_rows(enrollment, event))


def send_enrollment_notice(*, enrollment_id: int, event: str) -> int:
    """Record the notice of ``event`` (for tasks queued before notices were recorded)."""
    enrollment = Enrollment.objects.filter(pk=enrollment_id).first()
    if enrollment is None or event not in SUBJECTS:
        return 0
    record_enrollment_notice(enrollment=enrollment, event=event)
    return 1


# --------------------------------------------------------------------------
# Composing (at sending time)
# --------------------------------------------------------------------------


def _still_true(reminder: Reminder, now: datetime.datetime) -> bool:
    enrollment = reminder.enrollment
    session = enrollment.session
    return (
        session.start > now
        and session.status != TrainingSession.Status.CANCELLED
        and enrollment.status in EXPECTED.get(reminder.fingerprint, ())
    )


def _context(enrollment: Enrollment, session: TrainingSession, event: str) -> dict:
    return {
        "enrollment": enrollment,
        "person": enrollment.civil_servant,
        "session": session,
        "event": event,
        "session_url": settings.PORTAL_BASE_URL + reverse("training:session", args=[session.pk]),
        "home_url": settings.PORTAL_BASE_URL + reverse("home"),
    }


@outbox.kind(Kind.ENROLLED, label=gettext_lazy("Enrolment confirmation"))
@outbox.kind(Kind.PROMOTED, label=gettext_lazy("Waitlist promotion"))
@outbox.kind(Kind.DECISION, label=gettext_lazy("Supervisor decision"))
@outbox.kind(Kind.UNENROLLED, label=gettext_lazy("Enrolment cancellation"))
def compose_enrollment_notice(reminder: Reminder, *, now: datetime.datetime, prepared):
    """Tell the person what became of their enrolment, with the calendar update."""
    if not _still_true(reminder, now):
        return None
    enrollment = reminder.enrollment
    session = enrollment.session
    event = reminder.fingerprint
    if event == "promoted" and enrollment.status == Status.REQUESTED:
        event = "requested"
    person = enrollment.civil_servant
    attachments = []
    if event in WITH_INVITATION:
        attachments.append(
            (
                "undangan.ics",
                ical.invitation(session, person=person, now=now),
                ical.REQUEST_MIMETYPE,
            )
        )
    elif event == "cancelled":
        attachments.append(
            (
                "pembatalan.ics",
                ical.invitation(session, person=person, now=now, cancel=True),
                ical.CANCEL_MIMETYPE,
            )
        )
    return Message(
        subject=_(SUBJECTS[event]) % {"title": session.program.title},
        body=render_to_string("emails/enrollment_notice.txt", _context(enrollment, session, event)),
        to=to(reminder.recipient),
        url=reverse("training:session", args=[session.pk]),
        attachments=attachments,
    )


@outbox.kind(Kind.APPROVAL, label=gettext_lazy("Approval request to supervisor"))
def compose_approval_request(reminder: Reminder, *, now: datetime.datetime, prepared):
    """Ask the supervisor to approve a request that still awaits them."""
    enrollment = reminder.enrollment
    if not _still_true(reminder, now) or enrollment.status != Status.REQUESTED:
        return None
    session = enrollment.session
    person = enrollment.civil_servant
    return Message(
        subject=_("Approval needed: %(name)s asks to join %(title)s")
        % {"name": person.full_name, "title": session.program.title},
        body=render_to_string(
            "emails/enrollment_request_supervisor.txt",
            _context(enrollment, session, "requested"),
        ),
        to=to(reminder.recipient),
        url=reverse("home"),
    )
