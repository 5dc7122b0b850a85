"""Reads of the conflicts area for pages: the person's conflicts, notifications, HR panel."""

import datetime
from collections import defaultdict

from districts.scoping import Scope

from ..messages import outbox
from ..models import Enrollment, Notification, Reminder, TrainingSession
from ..services.conflicts import (
    Conflict,
    conflicts_for_enrollment_set,
    conflicts_for_person,
    conflicts_for_session,
)


def person_conflicts(*, scope: Scope, now: datetime.datetime) -> list[dict]:
    """Return the person's enrolments that have conflicts, soonest first."""
    found = conflicts_for_person(person_id=scope.person_id, now=now)
    by_enrollment: dict[int, list[Conflict]] = defaultdict(list)
    for item in found:
        by_enrollment[item.enrollment_id].append(item)
    enrollments = scope.filter(
        Enrollment.objects.filter(pk__in=list(by_enrollment)).select_related(
            "session__program", "session__district", "session__venue"
        )
    ).order_by("session__start")
    return [
        {
            "enrollment": enrollment,
            "conflicts": by_enrollment[enrollment.pk],
            "open": any(not item.resolved for item in by_enrollment[enrollment.pk]),
        }
        for enrollment in enrollments
    ]


def team_conflicts(*, scope: Scope, now: datetime.datetime) -> list[Conflict]:
    """Return the unresolved conflicts of the people below a supervisor, soonest first.

    One statement for the whole line (the scope's people stay a subquery); the
    enrolments are loaded only for the page shown (:func:`team_rows`).
    """
    enrollments = scope.filter(Enrollment.objects.filter(session__end__gt=now))
    found = conflicts_for_enrollment_set(enrollments=enrollments, now=now)
    return [item for item in found if not item.resolved]


def team_rows(conflicts, *, scope: Scope) -> list[dict]:
    """Return ``{"enrollment", "conflict"}`` for one page of :func:`team_conflicts` (one query)."""
    ids = {item.enrollment_id for item in conflicts}
    enrollments = scope.filter(
        Enrollment.objects.filter(pk__in=ids).select_related(
            "civil_servant", "session__program", "session__district"
        )
    ).in_bulk()
    return [
        {"enrollment": enrollments[item.enrollment_id], "conflict": item}
        for item in conflicts
        if item.enrollment_id in enrollments
    ]


def open_conflict(*, enrollment: Enrollment, fingerprint: str, now: datetime.datetime):
    """Return the enrolment's conflict with ``fingerprint`` if it still exists, else None."""
    for item in conflicts_for_person(person_id=enrollment.civil_servant_id, now=now):
        if item.enrollment_id == enrollment.pk and item.fingerprint == fingerprint:
            return item
    return None


def notifications(*, scope: Scope, limit: int | None = 100):
    return scope.filter(Notification.objects.all()).order_by("-created_at", "-pk")[:limit]


def unread_count(person_id: int | None) -> int:
    if person_id is None:
        return 0
    return Notification.objects.filter(recipient_id=person_id, read_at__isnull=True).count()


def session_conflict_panel(*, session: TrainingSession) -> dict:
    """Return, for HR, the session's unresolved conflicts by person and the reminders sent."""
    found = [item for item in conflicts_for_session(session_id=session.pk) if not item.resolved]
    enrollments = {
        item.pk: item
        for item in Enrollment.objects.filter(
            pk__in={c.enrollment_id for c in found}
        ).select_related("civil_servant")
    }
    rows = [
        {"enrollment": enrollments[item.enrollment_id], "conflict": item}
        for item in found
        if item.enrollment_id in enrollments
    ]
    reminders = list(
        Reminder.objects.filter(enrollment__session=session)
        .select_related("recipient", "enrollment__civil_servant")
        .order_by("-created_at", "-pk")
    )
    for reminder in reminders:
        reminder.kind_label = outbox.label(reminder.kind)
    return {"session": session, "rows": rows, "reminders": reminders}
