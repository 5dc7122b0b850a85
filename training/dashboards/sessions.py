"""Upcoming sessions with their fill rate, and the conflicts still open before them."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q

from training import conflicts as conflict_engine
from training.models import Enrollment, TrainingSession

from .filters import Criteria

UPCOMING_LIMIT = 20


def visible_sessions(criteria: Criteria):
    """Return the sessions the viewer answers for, with the district and program filters.

    HR staff and administrators answer for the sessions of their districts; a
    supervisor for the sessions their people are enrolled in.
    """
    sessions = TrainingSession.objects.filter(criteria.program_condition("program__"))
    if criteria.viewer.is_supervisor:
        sessions = sessions.filter(
            pk__in=Enrollment.objects.filter(
                civil_servant__in=criteria.people().order_by().values("pk"),
                status__in=Enrollment.ACTIVE,
            )
            .order_by()
            .values("session")
        )
    else:
        sessions = criteria.viewer.scope.filter(sessions)
        if criteria.district_id:
            sessions = sessions.filter(district_id=criteria.district_id)
    return sessions.order_by()


def upcoming_sessions(criteria: Criteria, *, limit: int = UPCOMING_LIMIT) -> list[TrainingSession]:
    """Return the next published sessions with seats taken, waitlist and the viewer's people."""
    people = criteria.people().order_by().values("pk")
    return list(
        visible_sessions(criteria)
        .filter(start__gte=criteria.now, status=TrainingSession.Status.PUBLISHED)
        .select_related("program", "district")
        .annotate(
            taken=Count("enrollments", filter=Q(enrollments__status__in=Enrollment.SEAT_HOLDING)),
            waitlisted=Count("enrollments", filter=Q(enrollments__status="waitlisted")),
            ours=Count(
                "enrollments",
                filter=Q(
                    enrollments__status__in=Enrollment.ACTIVE,
                    enrollments__civil_servant__in=people,
                ),
            ),
        )
        .order_by("start", "pk")[:limit]
    )


@dataclass
class OpenConflicts:
    """Unresolved conflicts of the viewer's people in the coming days."""

    days: int
    count: int = 0
    people: int = 0
    sessions: int = 0
    by_session: dict[int, int] = field(default_factory=dict)


def open_conflicts(criteria: Criteria) -> OpenConflicts:
    """Return the unresolved conflicts of people in scope for sessions in the scan window."""
    days = settings.CONFLICT_SCAN_DAYS
    found = [
        item
        for item in conflict_engine.conflicts_in_window(
            start=criteria.now, end=criteria.now + datetime.timedelta(days=days)
        )
        if not item.resolved and item.session_start >= criteria.now
    ]
    result = OpenConflicts(days=days)
    if not found:
        return result
    ours = set(
        criteria.people()
        .filter(pk__in={item.person_id for item in found})
        .order_by()
        .values_list("pk", flat=True)
    )
    if criteria.has_program_filter:
        allowed_sessions = set(
            TrainingSession.objects.filter(
                criteria.program_condition("program__"),
                pk__in={item.session_id for item in found},
            ).values_list("pk", flat=True)
        )
    else:
        allowed_sessions = None
    mine = [
        item
        for item in found
        if item.person_id in ours
        and (allowed_sessions is None or item.session_id in allowed_sessions)
    ]
    result.count = len(mine)
    result.people = len({item.person_id for item in mine})
    for item in mine:
        result.by_session[item.session_id] = result.by_session.get(item.session_id, 0) + 1
    result.sessions = len(result.by_session)
    return result
