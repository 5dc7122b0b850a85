"""What a reminder says, composed from the current data, in Indonesian."""

import dataclasses
import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from districts.localtime import format_range

from .conflicts import Conflict, conflicts_for_person
from .models import Enrollment, Reminder, TrainingSession
from .selfservice import ical
from .switching import switch_options


@dataclasses.dataclass
class Message:
    subject: str
    body: str
    to: list[str]
    url: str
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    attachments: list[tuple[str, bytes, str]] = dataclasses.field(default_factory=list)


def link(name: str, *args) -> str:
    return settings.PORTAL_BASE_URL + reverse(name, args=args)


def describe(conflict: Conflict, zone: str) -> str:
    """Return e.g. ``Shift dinas: Loket (Senin, 7 Desember 2026, 07.00–09.00 WIB)``."""
    return f"{conflict.label} ({conflict.when(zone)})"


def compose(
    reminder: Reminder,
    *,
    now: datetime.datetime,
    open_conflicts: list[Conflict] | None = None,
    options: list[TrainingSession] | None = None,
) -> Message | None:
    """Return the message for ``reminder``, or None when it is no longer needed.

    ``open_conflicts`` (the enrolment's unresolved conflicts) and ``options``
    (sessions to switch to) are passed when the caller found them already,
    for a whole batch at once.
    """
    from .notices import NOTICE_KINDS, compose_notice

    if reminder.kind in NOTICE_KINDS:
        with translation.override(settings.LANGUAGE_CODE):
            message = compose_notice(reminder, now=now)
        if message is not None:
            message.headers["X-Portal-Reminder"] = str(reminder.pk)
        return message
    enrollment = reminder.enrollment
    session = enrollment.session
    if (
        enrollment.status not in Enrollment.ACTIVE
        or session.status == TrainingSession.Status.CANCELLED
        or session.start <= now
    ):
        return None
    with translation.override(settings.LANGUAGE_CODE):
        if reminder.kind in (Reminder.Kind.CONFLICT, Reminder.Kind.ESCALATION):
            if open_conflicts is None:
                open_conflicts = _open_conflicts(enrollment, now=now)
            if options is None:
                options = switch_options(enrollment, now=now)
            message = _conflict_message(reminder, enrollment, session, open_conflicts, options)
        else:
            message = _before_session_message(reminder, enrollment, session, now=now)
    if message is not None:
        # Lets a mail log (and the tests) tell one reminder's messages apart.
        message.headers["X-Portal-Reminder"] = str(reminder.pk)
    return message


def _open_conflicts(enrollment: Enrollment, *, now: datetime.datetime) -> list[Conflict]:
    return [
        item
        for item in conflicts_for_person(person_id=enrollment.civil_servant_id, now=now)
        if item.enrollment_id == enrollment.pk and not item.resolved
    ]


def _conflict_message(reminder, enrollment, session, open_conflicts, options) -> Message | None:
    if reminder.kind == Reminder.Kind.CONFLICT:
        open_conflicts = [
            item for item in open_conflicts if item.fingerprint == reminder.fingerprint
        ]
    if not open_conflicts:
        return None
    zone = session.district.time_zone
    context = {
        "person": enrollment.civil_servant,
        "recipient": reminder.recipient,
        "session": session,
        "when": format_range(session.start, session.end, zone),
        "clashes": [describe(item, zone) for item in open_conflicts],
        "options": [
            {"session": item, "when": format_range(item.start, item.end, item.district.time_zone)}
            for item in options
        ],
        "conflicts_url": link("training:conflicts"),
        "switch_url": link("training:conflict_switch", enrollment.pk),
        "cancel_url": link("training:conflict_cancel", enrollment.pk),
        "resolve_url": link(
            "training:conflict_resolve", enrollment.pk, open_conflicts[0].fingerprint
        ),
        "days": settings.ESCALATION_DAYS_BEFORE,
    }
    if reminder.kind == Reminder.Kind.ESCALATION:
        subject = _("Unresolved schedule clash: %(name)s, %(title)s") % {
            "name": enrollment.civil_servant.name,
            "title": session.program.title,
        }
        context["team_url"] = link("training:team_conflicts")
        body = render_to_string("emails/conflict_escalation.txt", context)
        url = context["team_url"]
    else:
        subject = _("Schedule clash: %(title)s") % {"title": session.program.title}
        body = render_to_string("emails/conflict_reminder.txt", context)
        url = context["switch_url"]
    to = [reminder.recipient.email] if reminder.recipient.email else []
    return Message(
        subject=subject, body=body, to=to, url=url.removeprefix(settings.PORTAL_BASE_URL)
    )


def _before_session_message(reminder, enrollment, session, *, now) -> Message | None:
    if (
        enrollment.status != Enrollment.Status.APPROVED
        or session.status != TrainingSession.Status.PUBLISHED
    ):
        return None
    zone = session.district.time_zone
    days = 1 if reminder.kind == Reminder.Kind.BEFORE_1_DAY else 7
    # "Today" or "tomorrow" by the calendar where the session takes place.
    tz = session.district.tzinfo
    today = days == 1 and session.start.astimezone(tz).date() == now.astimezone(tz).date()
    context = {
        "person": enrollment.civil_servant,
        "session": session,
        "when": format_range(session.start, session.end, zone),
        "days": days,
        "today": today,
        "session_url": link("training:session", session.pk),
    }
    if days == 7:
        subject = _("Coming up: %(title)s")
    elif today:
        subject = _("Today: %(title)s")
    else:
        subject = _("Tomorrow: %(title)s")
    subject %= {"title": session.program.title}
    person = enrollment.civil_servant
    ics = ical.invitation(session, person=person, now=now)
    return Message(
        subject=subject,
        body=render_to_string("emails/session_reminder.txt", context),
        to=[person.email] if person.email else [],
        url=reverse("training:session", args=[session.pk]),
        attachments=[("sesi.ics", ics, ical.REQUEST_MIMETYPE)],
    )


def deliver(message: Message) -> int:
    """Send the email (nothing when the person has no address); return messages sent."""
    if not message.to:
        return 0
    # A title stored before single-line text was enforced must not break the
    # header (BadHeaderError would fail the reminder on every retry).
    subject = " ".join(message.subject.split())
    email = EmailMessage(subject=subject, body=message.body, to=message.to, headers=message.headers)
    for name, content, mimetype in message.attachments:
        email.attach(name, content, mimetype)
    return email.send()
