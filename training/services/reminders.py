"""Reminders: schedule clashes, their escalation, and the reminders before a session.

The scans find who should be told and record one outbox row each
(:mod:`training.messages.outbox`) under the key ``(enrollment, kind,
fingerprint)``, so a second beat, a retried task or two scans at the same time
add nothing; the outbox then sends each exactly once. What the messages say
is in :mod:`training.services.reminder_notices`.

A clash still unresolved is told again at set points before the session
(``settings.CONFLICT_REMINDER_DAYS_BEFORE``, H-3 and H-1 by default): once per
point, keyed by the clash and the point, and only when the person's first
reminder went out before that point. The person gets their clashes of one
sending, first or again, in one digest (``reminder_notices``).

An escalation to the supervisor is recorded only once the person's own clash
reminder went out ``settings.ESCALATION_GRACE_HOURS`` earlier and the clash is
still open within ``settings.ESCALATION_DAYS_BEFORE`` days.
"""

import datetime
import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from asnportal.tasks import enqueue_on_commit
from districts.models import CivilServant

from ..messages import outbox
from ..models import Enrollment, Reminder, TrainingSession
from .conflicts import (
    Conflict,
    ConflictKind,
    conflicts_for_enrollments,
    conflicts_for_person,
    conflicts_for_session,
    conflicts_in_window,
    fingerprint,
)

# The Celery tasks that re-check people (training.services.tasks), queued by
# name; the names are kept from earlier releases for messages already queued.
RECHECK_PERSON_TASK = "training.conflict_tasks.recheck_person"
RECHECK_PEOPLE_TASK = "training.conflict_tasks.recheck_people"
RECHECK_SESSION_TASK = "training.conflict_tasks.recheck_session"


class Kind:
    """The outbox kinds of this feature (composed in ``reminder_notices``)."""

    CONFLICT = "conflict"
    CONFLICT_AGAIN = "clash_again"
    ESCALATION = "escalation"
    BEFORE_7_DAYS = "before_7d"
    BEFORE_1_DAY = "before_1d"


def _wants_reminder(conflict: Conflict, now: datetime.datetime) -> bool:
    if conflict.resolved or conflict.enrollment_id is None or conflict.session_start <= now:
        return False
    # Two enrolments clashing are one conflict seen from both sides: the newer
    # enrolment (the one that made the clash) carries the reminder.
    return conflict.kind != ConflictKind.ENROLLMENT or conflict.enrollment_id > conflict.other_id


def again_fingerprint(clash_fingerprint: str, days: int) -> str:
    """Return the key of the reminder of a clash ``days`` before its session (H-``days``)."""
    return hashlib.sha256(f"{clash_fingerprint}|H-{days}".encode()).hexdigest()


def _last_point_passed(conflict: Conflict, now: datetime.datetime) -> int | None:
    """Return the nearest H-n point before the session that ``now`` has reached, if any."""
    for days in sorted(settings.CONFLICT_REMINDER_DAYS_BEFORE):
        if conflict.session_start - datetime.timedelta(days=days) <= now:
            return days
    return None


def _again_rows(wanted: list[Conflict], *, now: datetime.datetime) -> list:
    """Return unsaved reminders of clashes still open at a point, first told before it."""
    due = {}
    for item in wanted:
        days = _last_point_passed(item, now)
        if days is not None:
            due[(item.enrollment_id, item.fingerprint)] = (item, days)
    if not due:
        return []
    first_told = Reminder.objects.filter(
        kind=Kind.CONFLICT,
        status=Reminder.Status.SENT,
        enrollment_id__in={enrollment for enrollment, _print in due},
    ).values_list("enrollment_id", "fingerprint", "sent_at")
    rows = []
    for enrollment_id, print_, sent_at in first_told.order_by():
        item, days = due.get((enrollment_id, print_), (None, None))
        if item is None or sent_at >= item.session_start - datetime.timedelta(days=days):
            continue
        rows.append(
            Reminder(
                enrollment_id=enrollment_id,
                kind=Kind.CONFLICT_AGAIN,
                fingerprint=again_fingerprint(print_, days),
                recipient_id=item.person_id,
            )
        )
    return rows


def conflict_reminder_rows(conflicts: Iterable[Conflict], *, now: datetime.datetime) -> list:
    """Return unsaved reminders for new conflicts, for open ones again, and escalations due."""
    wanted = [item for item in conflicts if _wants_reminder(item, now)]
    rows = [
        Reminder(
            enrollment_id=item.enrollment_id,
            kind=Kind.CONFLICT,
            fingerprint=item.fingerprint,
            recipient_id=item.person_id,
        )
        for item in wanted
    ]
    rows += _again_rows(wanted, now=now)
    horizon = now + datetime.timedelta(days=settings.ESCALATION_DAYS_BEFORE)
    near = [item for item in wanted if item.session_start <= horizon]
    due = {}
    if near:
        # The supervisor hears only of a clash the person was told of at least
        # ESCALATION_GRACE_HOURS ago and has still not resolved.
        told_before = now - datetime.timedelta(hours=settings.ESCALATION_GRACE_HOURS)
        told = set(
            Reminder.objects.filter(
                kind=Kind.CONFLICT,
                status=Reminder.Status.SENT,
                sent_at__lte=told_before,
                enrollment_id__in={item.enrollment_id for item in near},
            )
            .order_by()
            .values_list("enrollment_id", "fingerprint")
        )
        due = {
            item.enrollment_id: item.person_id
            for item in near
            if (item.enrollment_id, item.fingerprint) in told
        }
    if due:
        supervisors = dict(
            CivilServant.objects.filter(pk__in=set(due.values()), supervisor__isnull=False)
            .order_by()
            .values_list("pk", "supervisor_id")
        )
        # One escalation per enrolment, ever: the empty fingerprint is the key.
        rows += [
            Reminder(
                enrollment_id=enrollment_id,
                kind=Kind.ESCALATION,
                fingerprint="",
                recipient_id=supervisors[person_id],
            )
            for enrollment_id, person_id in due.items()
            if person_id in supervisors
        ]
    return rows


def before_session_rows(*, now: datetime.datetime, district_id: int | None = None) -> list:
    """Return unsaved 7-day and 1-day reminders for approved participants (of one district)."""
    day = datetime.timedelta(days=1)
    windows = [
        (Kind.BEFORE_1_DAY, now, now + day),
        (Kind.BEFORE_7_DAYS, now + day, now + 7 * day),
    ]
    rows = []
    for kind, low, high in windows:
        found = (
            Enrollment.objects.filter(
                status=Enrollment.Status.APPROVED,
                session__status=TrainingSession.Status.PUBLISHED,
                session__start__gt=low,
                session__start__lte=high,
            )
            .order_by()
            .values_list("pk", "civil_servant_id", "session_id", "session__start", "session__end")
        )
        if district_id is not None:
            found = found.filter(civil_servant__district_id=district_id)
        rows += [
            Reminder(
                enrollment_id=pk,
                kind=kind,
                # A rescheduled session is a new date to be reminded of.
                fingerprint=fingerprint(kind, (session, start, end), (session, start, end)),
                recipient_id=person,
            )
            for pk, person, session, start, end in found
        ]
    return rows


def record_due(
    *, now: datetime.datetime, days: int | None = None, district_id: int | None = None
) -> dict:
    """Record every reminder due in the next ``days`` (``CONFLICT_SCAN_DAYS``); return numbers.

    With ``district_id``, only those of the people of that district (one part of
    the fanned-out scan, :mod:`.district_scans`).
    """
    end = now + datetime.timedelta(days=days or settings.CONFLICT_SCAN_DAYS)
    conflicts = conflicts_in_window(start=now, end=end, district_id=district_id)
    rows = conflict_reminder_rows(conflicts, now=now) + before_session_rows(
        now=now, district_id=district_id
    )
    outbox.record(rows)
    return {
        "conflicts": len(conflicts),
        "unresolved": sum(1 for item in conflicts if not item.resolved),
        "candidates": len(rows),
        "pending": Reminder.objects.filter(status=Reminder.Status.PENDING).count(),
    }


def scan(*, now: datetime.datetime) -> dict:
    """Record the reminders due, then queue their sending to Celery after the commit."""
    with transaction.atomic():
        numbers = record_due(now=now)
        outbox.dispatch_on_commit(now=now)
    return numbers


def recheck_person(*, person_id: int, now: datetime.datetime) -> int:
    """Record reminders for the person's current conflicts; return how many are candidates."""
    rows = conflict_reminder_rows(conflicts_for_person(person_id=person_id, now=now), now=now)
    with transaction.atomic():
        outbox.record(rows)
        outbox.dispatch_on_commit(now=now)
    return len(rows)


def recheck_people(*, person_ids: Iterable[int], now: datetime.datetime) -> int:
    """Record reminders for the current conflicts of many people at once (set-based)."""
    enrollment_ids = Enrollment.objects.filter(
        civil_servant_id__in=sorted(set(person_ids)),
        status__in=Enrollment.ACTIVE,
        session__end__gt=now,
    ).values_list("pk", flat=True)
    conflicts = conflicts_for_enrollments(enrollment_ids=list(enrollment_ids), now=now)
    rows = conflict_reminder_rows(conflicts, now=now)
    with transaction.atomic():
        outbox.record(rows)
        outbox.dispatch_on_commit(now=now)
    return len(rows)


def queue_people_recheck(
    person_ids: Iterable[int], *, now: datetime.datetime | None = None
) -> None:
    """Re-check many people after the transaction commits (e.g. an imported duty roster)."""
    ids = sorted(set(person_ids))
    if ids:
        enqueue_on_commit(RECHECK_PEOPLE_TASK, ids, now=now)


def recheck_session(*, session_id: int, now: datetime.datetime) -> int:
    """Record reminders for the current conflicts of a session's participants."""
    rows = conflict_reminder_rows(conflicts_for_session(session_id=session_id), now=now)
    with transaction.atomic():
        outbox.record(rows)
        outbox.dispatch_on_commit(now=now)
    return len(rows)


def queue_session_recheck(session_id: int, *, now: datetime.datetime | None = None) -> None:
    """Re-check all participants of a session after the transaction commits.

    Call it after a session is rescheduled (its times change) or re-published.
    """
    enqueue_on_commit(RECHECK_SESSION_TASK, session_id, now=now)


def queue_person_recheck(person_id: int, *, now: datetime.datetime | None = None) -> None:
    """Re-check the person's conflicts after the current transaction commits.

    Call it after any write that changes a person's enrolments or schedule.
    """
    enqueue_on_commit(RECHECK_PERSON_TASK, person_id, now=now)
