"""Upcoming sessions with their fill rate, and the conflicts still open before them."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q

from ...models import Enrollment, TrainingSession
from .. import conflicts as conflict_engine
from .filters import Criteria
from .store import conflict_pairs

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
                criteria.person_condition("civil_servant"),
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
    return list(
        visible_sessions(criteria)
        .filter(start__gte=criteria.now, status=TrainingSession.Status.PUBLISHED)
        .select_related("program", "district")
        .annotate(
            taken=Count("enrollments", filter=Q(enrollments__status__in=Enrollment.SEAT_HOLDING)),
            waitlisted=Count("enrollments", filter=Q(enrollments__status="waitlisted")),
            ours=Count(
                "enrollments",
                filter=Q(enrollments__status__in=Enrollment.ACTIVE)
                & criteria.person_condition("enrollments__civil_servant"),
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
    computed_at: datetime.datetime | None = None


def live_conflict_pairs(now: datetime.datetime) -> list[tuple[int, int]]:
    end = now + datetime.timedelta(days=settings.CONFLICT_SCAN_DAYS)
    return [
        (item.person_id, item.session_id)
        for item in conflict_engine.conflicts_in_window(start=now, end=end)
        if not item.resolved and item.session_start >= now
    ]


def open_conflicts(criteria: Criteria) -> OpenConflicts:
    """Return the unresolved conflicts of people in scope for sessions in the scan window.

    The province-wide list comes from the summary the refresh task keeps
    (``store.conflict_pairs``) while it is fresh, else from the conflict engine.
    """
    result = OpenConflicts(days=settings.CONFLICT_SCAN_DAYS)
    stored = conflict_pairs(criteria.now)
    if stored is not None:
        found, result.computed_at = stored.pairs, stored.computed_at
    else:
        found = live_conflict_pairs(criteria.now)
    if not found:
        return result
    persons = {person for person, _session in found}
    if criteria.viewer.is_supervisor and criteria.is_unfiltered:
        ours = persons.intersection(criteria.viewer.subtree_ids)
    else:
        ours = set(criteria.people().filter(pk__in=persons).order_by().values_list("pk", flat=True))
    allowed_sessions = None
    if criteria.has_program_filter:
        allowed_sessions = set(
            TrainingSession.objects.filter(
                criteria.program_condition("program__"),
                pk__in={session for _person, session in found},
            ).values_list("pk", flat=True)
        )
    mine = [
        (person, session)
        for person, session in found
        if person in ours and (allowed_sessions is None or session in allowed_sessions)
    ]
    result.count = len(mine)
    result.people = len({person for person, _session in mine})
    for _person, session in mine:
        result.by_session[session] = result.by_session.get(session, 0) + 1
    result.sessions = len(result.by_session)
    return result
