"""What a reminder says, composed from the current data when it is sent.

The four kinds of :mod:`training.services.reminders` register here with the
outbox: a schedule clash (to the person), its escalation (to the supervisor),
and the reminders 7 days and 1 day before a session.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from districts.localtime import format_range

from ..messages import ical, outbox
from ..messages.compose import Message, link, to
from ..models import Enrollment, Reminder, TrainingSession
from .conflicts import Conflict, conflicts_for_enrollments, conflicts_for_person
from .reminders import Kind
from .switching import switch_options, switch_options_for


def describe(conflict: Conflict, zone: str) -> str:
    """Return e.g. ``Shift dinas: Loket (Senin, 7 Desember 2026, 07.00–09.00 WIB)``."""
    return f"{conflict.label} ({conflict.when(zone)})"


def prepare_clashes(rows: list[Reminder], *, now: datetime.datetime) -> dict:
    """Return, per row, the open clashes of its enrolment and (for the person) where to switch.

    One set-based conflict search and one switch-options search for the whole batch.
    """
    open_conflicts = defaultdict(list)
    for item in conflicts_for_enrollments(
        enrollment_ids=[row.enrollment_id for row in rows], now=now
    ):
        if not item.resolved:
            open_conflicts[item.enrollment_id].append(item)
    options = switch_options_for(
        [row.enrollment for row in rows if row.kind == Kind.CONFLICT], now=now
    )
    return {
        row.pk: (open_conflicts[row.enrollment_id], options.get(row.enrollment_id, []))
        for row in rows
    }


def _upcoming(enrollment: Enrollment, session: TrainingSession, now: datetime.datetime) -> bool:
    return (
        enrollment.status in Enrollment.ACTIVE
        and session.status != TrainingSession.Status.CANCELLED
        and session.start > now
    )


@outbox.kind(Kind.CONFLICT, label=gettext_lazy("Conflict"), prepare=prepare_clashes)
def compose_clash(reminder: Reminder, *, now: datetime.datetime, prepared) -> Message | None:
    """Tell the person of the clash the row's fingerprint names, with where to switch."""
    return _conflict_message(reminder, now=now, prepared=prepared)


@outbox.kind(
    Kind.ESCALATION, label=gettext_lazy("Escalation to supervisor"), prepare=prepare_clashes
)
def compose_escalation(reminder: Reminder, *, now: datetime.datetime, prepared) -> Message | None:
    """Tell the supervisor of the person's clashes still open close to the session."""
    return _conflict_message(reminder, now=now, prepared=prepared)


def _conflict_message(reminder: Reminder, *, now, prepared) -> Message | None:
    enrollment = reminder.enrollment
    session = enrollment.session
    if not _upcoming(enrollment, session, now):
        return None
    if prepared is None:
        open_conflicts = [
            item
            for item in conflicts_for_person(person_id=enrollment.civil_servant_id, now=now)
            if item.enrollment_id == enrollment.pk and not item.resolved
        ]
        options = switch_options(enrollment, now=now)
    else:
        open_conflicts, options = prepared
    if reminder.kind == Kind.CONFLICT:
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
    if reminder.kind == Kind.ESCALATION:
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
    return Message(
        subject=subject,
        body=body,
        to=to(reminder.recipient),
        url=url.removeprefix(settings.PORTAL_BASE_URL),
    )


@outbox.kind(Kind.BEFORE_7_DAYS, label=gettext_lazy("7 days before"))
def compose_week_before(reminder: Reminder, *, now: datetime.datetime, prepared) -> Message | None:
    """Remind an approved participant of the session a week ahead."""
    return _before_session_message(reminder, days=7, now=now)


@outbox.kind(Kind.BEFORE_1_DAY, label=gettext_lazy("1 day before"))
def compose_day_before(reminder: Reminder, *, now: datetime.datetime, prepared) -> Message | None:
    """Remind an approved participant of the session the day before (or that morning)."""
    return _before_session_message(reminder, days=1, now=now)


def _before_session_message(reminder: Reminder, *, days: int, now) -> Message | None:
    enrollment = reminder.enrollment
    session = enrollment.session
    if (
        not _upcoming(enrollment, session, now)
        or enrollment.status != Enrollment.Status.APPROVED
        or session.status != TrainingSession.Status.PUBLISHED
    ):
        return None
    zone = session.district.time_zone
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
        to=to(person),
        url=reverse("training:session", args=[session.pk]),
        attachments=[("sesi.ics", ics, ical.REQUEST_MIMETYPE)],
    )
