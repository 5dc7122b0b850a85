"""Emails that tell a person (and their supervisor) what happened to an enrolment."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from ..models import Enrollment
from . import ical

SUBJECTS = {
    "approved": N_("You are enrolled: %(title)s"),
    "requested": N_("Enrolment request sent to your supervisor: %(title)s"),
    "waitlisted": N_("You are on the waitlist: %(title)s"),
    "promoted": N_("A seat is free for you: %(title)s"),
    "cancelled": N_("Enrolment cancelled: %(title)s"),
    "request_approved": N_("Your supervisor approved: %(title)s"),
    "request_rejected": N_("Your supervisor rejected: %(title)s"),
}
# Events after which the person holds a seat: the email carries the invitation.
WITH_INVITATION = {"approved", "promoted", "request_approved"}


def send_enrollment_notice(*, enrollment_id: int, event: str) -> int:
    """Email the person about ``event`` (with an ``.ics``); return the messages sent."""
    enrollment = (
        Enrollment.objects.select_related(
            "session__program",
            "session__district",
            "session__venue",
            "session__instructor",
            "civil_servant__supervisor",
        )
        .filter(pk=enrollment_id)
        .first()
    )
    if enrollment is None or event not in SUBJECTS:
        return 0
    person = enrollment.civil_servant
    session = enrollment.session
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        if event == "promoted" and enrollment.status == Enrollment.Status.REQUESTED:
            event = "requested"
        session_url = settings.PORTAL_BASE_URL + reverse("training:session", args=[session.pk])
        context = {
            "enrollment": enrollment,
            "person": person,
            "session": session,
            "event": event,
            "session_url": session_url,
            "home_url": settings.PORTAL_BASE_URL + reverse("home"),
        }
        if person.email:
            message = EmailMessage(
                subject=_(SUBJECTS[event]) % {"title": session.program.title},
                body=render_to_string("emails/enrollment_notice.txt", context),
                to=[person.email],
            )
            now = timezone.now()
            if event in WITH_INVITATION:
                message.attach(
                    "undangan.ics",
                    ical.invitation(session, person=person, now=now),
                    "text/calendar; method=REQUEST; charset=utf-8",
                )
            elif event == "cancelled":
                message.attach(
                    "pembatalan.ics",
                    ical.invitation(session, person=person, now=now, cancel=True),
                    "text/calendar; method=CANCEL; charset=utf-8",
                )
            sent += message.send()
        supervisor = person.supervisor
        if event == "requested" and supervisor is not None and supervisor.email:
            sent += EmailMessage(
                subject=_("Approval needed: %(name)s asks to join %(title)s")
                % {"name": person.full_name, "title": session.program.title},
                body=render_to_string("emails/enrollment_request_supervisor.txt", context),
                to=[supervisor.email],
            ).send()
    return sent
