"""What a reminder says, composed from the current data when it is sent.

The kinds of :mod:`training.services.reminders` register here with the
outbox: a schedule clash and the same clash told again before the session (to
the person, one digest of all their clashes of a sending), its escalation (to
the supervisor), and the reminders 7 days and 1 day before a session.
"""

import datetime
import functools
from collections import defaultdict

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from districts.localtime import format_range

from ..messages import ical, outbox
from ..messages.compose import Message, link, to
from ..models import Enrollment, Reminder, TrainingSession
from .conflicts import Conflict, conflicts_for_enrollments, conflicts_for_person
from .reminders import Kind, again_fingerprint
from .switching import held_elsewhere_for, held_enrollments, switch_options, switch_options_for


def describe(conflict: Conflict, zone: str) -> str:
    """Return e.g. ``Shift dinas: Loket (Senin, 7 Desember 2026, 07.00–09.00 WIB)``."""
    return f"{conflict.label} ({conflict.when(zone)})"


def prepare_clashes(rows: list[Reminder], *, now: datetime.datetime) -> dict:
    """Return, per row, the open clashes of its enrolment and (for the person) where to switch.

    For the whole batch: one search of the enrolments the people hold in the same
    programs, one set-based conflict search (the batch's enrolments and those), one
    switch-options search.
    """
    people = [row.enrollment for row in rows if row.kind in CLASH_DIGEST]
    holding = held_enrollments(people, now=now)
    open_conflicts = defaultdict(list)
    for item in conflicts_for_enrollments(
        enrollment_ids=[row.enrollment_id for row in rows] + [item.pk for item in holding],
        now=now,
    ):
        if not item.resolved:
            open_conflicts[item.enrollment_id].append(item)
    # Each option is named by its time, in its district's zone.
    options = switch_options_for(people, now=now, related=("district",))
    held = held_elsewhere_for(people, now=now, held=holding, open_conflicts=open_conflicts)
    return {
        row.pk: (
            open_conflicts[row.enrollment_id],
            options.get(row.enrollment_id, []),
            held.get(row.enrollment_id, []),
        )
        for row in rows
    }


def _upcoming(enrollment: Enrollment, session: TrainingSession, now: datetime.datetime) -> bool:
    return (
        enrollment.status in Enrollment.ACTIVE
        and session.status != TrainingSession.Status.CANCELLED
        and session.start > now
    )


CLASH_DIGEST = (Kind.CONFLICT, Kind.CONFLICT_AGAIN)


@outbox.kind(
    Kind.CONFLICT, label=gettext_lazy("Conflict"), prepare=prepare_clashes, digest="clashes"
)
@outbox.kind(
    Kind.CONFLICT_AGAIN,
    label=gettext_lazy("Conflict, reminded again"),
    prepare=prepare_clashes,
    digest="clashes",
)
def compose_clashes(rows: list[Reminder], *, now: datetime.datetime, prepared) -> Message | None:
    """Tell the person, in one message, of the open clashes the rows name, with where to switch."""
    by_enrollment = defaultdict(list)
    for row in rows:
        by_enrollment[row.enrollment_id].append(row)
    sessions, told = [], []
    for mine in by_enrollment.values():
        enrollment = mine[0].enrollment
        session = enrollment.session
        if not _upcoming(enrollment, session, now):
            continue
        open_conflicts, options, held = prepared.get(mine[0].pk) or _clashes_and_options(
            enrollment, now
        )
        zone = session.district.time_zone
        clashes = {}
        for row in mine:
            for item in open_conflicts:
                if _tells_of(row, item):
                    told.append(row.pk)
                    again = row.kind == Kind.CONFLICT_AGAIN
                    known = clashes.get(item.fingerprint)
                    clashes[item.fingerprint] = {
                        "text": describe(item, zone),
                        "again": again or (known is not None and known["again"]),
                        "fingerprint": item.fingerprint,
                    }
        if clashes:
            sessions.append(_session_context(enrollment, list(clashes.values()), options, held))
    if not sessions:
        return None
    person = rows[0].enrollment.civil_servant
    if len(sessions) == 1:
        subject = _("Schedule clash: %(title)s") % {"title": sessions[0]["session"].program.title}
        url = sessions[0]["switch_url"]
    else:
        subject = _("Schedule clashes in %(count)d training sessions") % {"count": len(sessions)}
        url = link("training:conflicts")
    context = {
        "person": person,
        "sessions": sessions,
        "conflicts_url": link("training:conflicts"),
        "days": settings.ESCALATION_DAYS_BEFORE,
    }
    return Message(
        subject=subject,
        body=render_to_string("emails/conflict_reminder.txt", context),
        to=to(rows[0].recipient),
        url=url.removeprefix(settings.PORTAL_BASE_URL),
        rows=told,
    )


def _tells_of(row: Reminder, conflict: Conflict) -> bool:
    """Return whether the row is the reminder, first or again, of this clash."""
    if row.kind == Kind.CONFLICT:
        return row.fingerprint == conflict.fingerprint
    return row.fingerprint in {
        again_fingerprint(conflict.fingerprint, days)
        for days in settings.CONFLICT_REMINDER_DAYS_BEFORE
    }


def _clashes_and_options(enrollment: Enrollment, now: datetime.datetime) -> tuple:
    """Return the enrolment's open clashes, where it could switch, what it holds elsewhere."""
    open_conflicts = [
        item
        for item in conflicts_for_person(person_id=enrollment.civil_servant_id, now=now)
        if item.enrollment_id == enrollment.pk and not item.resolved
    ]
    held = held_elsewhere_for([enrollment], now=now)[enrollment.pk]
    return open_conflicts, switch_options(enrollment, now=now), held


@functools.lru_cache(maxsize=4096)
def _range_in(start: datetime.datetime, end: datetime.datetime, zone: str, language: str) -> str:
    return format_range(start, end, zone)


def _range(start: datetime.datetime, end: datetime.datetime, zone: str) -> str:
    """Return :func:`format_range` in the active language, remembered.

    A batch names the same sessions (where to switch) in many messages, in
    each of the portal's languages.
    """
    return _range_in(start, end, zone, get_language())


def _when(sessions) -> list[dict]:
    return [
        {"session": item, "when": _range(item.start, item.end, item.district.time_zone)}
        for item in sessions
    ]


def _session_context(enrollment: Enrollment, clashes: list[dict], options, held) -> dict:
    session = enrollment.session
    return {
        "session": session,
        "when": _range(session.start, session.end, session.district.time_zone),
        "clashes": clashes,
        "options": _when(options),
        "held": _when(held),
        "switch_url": link("training:conflict_switch", enrollment.pk),
        "cancel_url": link("training:conflict_cancel", enrollment.pk),
        "resolve_url": link("training:conflict_resolve", enrollment.pk, clashes[0]["fingerprint"]),
    }


@outbox.kind(
    Kind.ESCALATION, label=gettext_lazy("Escalation to supervisor"), prepare=prepare_clashes
)
def compose_escalation(reminder: Reminder, *, now: datetime.datetime, prepared) -> Message | None:
    """Tell the supervisor of the person's clashes still open close to the session."""
    enrollment = reminder.enrollment
    session = enrollment.session
    if not _upcoming(enrollment, session, now):
        return None
    open_conflicts, _options, _held = prepared or _clashes_and_options(enrollment, now)
    if not open_conflicts:
        return None
    zone = session.district.time_zone
    context = {
        "person": enrollment.civil_servant,
        "recipient": reminder.recipient,
        "session": session,
        "when": format_range(session.start, session.end, zone),
        "clashes": [describe(item, zone) for item in open_conflicts],
        "days": settings.ESCALATION_DAYS_BEFORE,
        "team_url": link("training:team_conflicts"),
    }
    subject = _("Unresolved schedule clash: %(name)s, %(title)s") % {
        "name": enrollment.civil_servant.name,
        "title": session.program.title,
    }
    return Message(
        subject=subject,
        body=render_to_string("emails/conflict_escalation.txt", context),
        to=to(reminder.recipient),
        url=reverse("training:team_conflicts"),
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
