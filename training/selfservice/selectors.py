"""Reads for the self-service pages: each starts from the person's own scope.

The person's own rows (enrolments, completions, schedule entries) are read through
``districts.scoping``: ``scope.as_self().filter(...)``, never ``civil_servant=person``.
"""

import dataclasses
import datetime
import zoneinfo

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404

from districts.models import CivilServant, District, ScheduleEntry
from districts.scoping import Scope

from ..models import CompletionRecord, Enrollment, TrainingSession
from ..services import conflicts, gaps
from ..services.enrollment import seats_left, waitlist_position
from ..services.meetings import JOIN_LINK_OPENS, TAKING_PART
from ..services.selectors import sessions_open_to


def person_of(scope: Scope) -> CivilServant:
    """Return the civil servant acting, or 404 for a user who is not one."""
    if scope.person_id is None:
        raise Http404
    return CivilServant.objects.select_related("district", "supervisor").get(pk=scope.person_id)


@dataclasses.dataclass(frozen=True)
class CatalogueFilters:
    q: str = ""
    competency_kind: str = ""
    form: str = ""
    month: datetime.date | None = None
    district_id: int | None = None
    with_seats: bool = False


def _own(scope: Scope, queryset: QuerySet) -> QuerySet:
    """Return ``queryset`` limited to the acting person's own rows."""
    return scope.as_self().filter(queryset)


def catalogue_sessions(
    person: CivilServant, *, scope: Scope, now: datetime.datetime, filters: CatalogueFilters
) -> QuerySet:
    """Return the queryset of the catalogue (for a paginator); see :func:`with_card_state`."""
    sessions = sessions_open_to(person).filter(start__gt=now)
    if filters.q:
        sessions = sessions.filter(program__title__icontains=filters.q)
    if filters.competency_kind:
        sessions = sessions.filter(program__competency_kind=filters.competency_kind)
    if filters.form:
        sessions = sessions.filter(program__form=filters.form)
    if filters.district_id:
        sessions = sessions.filter(district_id=filters.district_id)
    if filters.month:
        sessions = sessions.filter(_in_local_month(filters.month))
    if filters.with_seats:
        sessions = sessions.filter(seats_taken__lt=F("capacity"))
    mine = _own(
        scope, Enrollment.objects.filter(session=OuterRef("pk"), status__in=Enrollment.ACTIVE)
    )
    # "Recommended for you" first (sessions that close one of the person's gaps), soonest
    # first, across pages; then the rest, soonest first.
    recommended = gaps.recommended_program_ids(person, now=now)
    return sessions.annotate(
        # The person's own state (enrolled, awaiting approval, waitlisted) for the card's badge.
        my_status=Subquery(mine.values("status")[:1]),
        recommended=Case(
            When(program_id__in=sorted(recommended), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    ).order_by("-recommended", "start", "pk")


def with_card_state(person: CivilServant, sessions) -> list[TrainingSession]:
    """Return ``sessions`` (one page) as a list, each with ``seats_left`` and ``clashes``."""
    sessions = list(sessions)
    clashing = conflicts.clashing_session_ids(
        person_id=person.pk, session_ids=[s.pk for s in sessions]
    )
    for session in sessions:
        session.seats_left = max(session.capacity - session.seats_taken, 0)
        session.clashes = session.pk in clashing
    return sessions


def _in_local_month(month: datetime.date) -> Q:
    """Return sessions starting in ``month`` as the clock of their own district reads it."""
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    condition = Q(pk__in=[])
    for zone in District.Zone.values:
        tz = zoneinfo.ZoneInfo(zone)
        condition |= Q(
            district__time_zone=zone,
            start__gte=datetime.datetime.combine(month, datetime.time(), tzinfo=tz),
            start__lt=datetime.datetime.combine(following, datetime.time(), tzinfo=tz),
        )
    return condition


def session_for(person: CivilServant, pk: int, *, scope: Scope) -> TrainingSession:
    """Return a session open to the person (any state, for their own history), or 404."""
    visible = Q(status=TrainingSession.Status.PUBLISHED) & (
        Q(district_id=person.district_id) | Q(program__open_to_other_districts=True)
    )
    mine = Q(pk__in=_own(scope, Enrollment.objects.all()).values("session_id"))
    session = (
        TrainingSession.objects.filter(visible | mine)
        .select_related("program", "district", "venue", "instructor")
        .filter(pk=pk)
        .first()
    )
    if session is None:
        raise Http404
    return session


def current_enrollment(scope: Scope, session: TrainingSession) -> Enrollment | None:
    """Return the person's open enrolment in the session, if any."""
    enrollment = (
        _own(scope, Enrollment.objects.filter(session=session))
        .exclude(status__in=Enrollment.ENDED)
        .first()
    )
    if enrollment is not None:
        enrollment.position = waitlist_position(enrollment)
    return enrollment


def session_conflicts(person: CivilServant, session: TrainingSession, *, scope: Scope) -> list:
    """Return the person's named clashes with the session (enrolled or not)."""
    enrolled = _own(
        scope, Enrollment.objects.filter(session=session, status__in=Enrollment.ACTIVE)
    ).exists()
    if enrolled:
        return [
            c
            for c in conflicts.conflicts_for_session(session_id=session.pk)
            if c.person_id == person.pk
        ]
    return conflicts.clashes_for_prospective(person_id=person.pk, session_id=session.pk)


def my_training(scope: Scope, *, now: datetime.datetime) -> dict:
    """Return the person's enrolments grouped: upcoming, waitlisted, requested, past, completed."""
    enrollments = list(
        _own(scope, Enrollment.objects.all())
        .exclude(status__in=Enrollment.ENDED)
        .select_related("session__program", "session__district", "session__venue", "feedback")
        .prefetch_related("session__meetings")
        .order_by("session__start", "pk")
    )
    groups = {"upcoming": [], "waitlisted": [], "requested": [], "past": []}
    for enrollment in enrollments:
        session = enrollment.session
        if enrollment.status in Enrollment.ACTIVE and session.end > now:
            if session.status == TrainingSession.Status.CANCELLED:
                continue
            key = {"approved": "upcoming", "waitlisted": "waitlisted", "requested": "requested"}
            if enrollment.status == Enrollment.Status.WAITLISTED:
                enrollment.position = waitlist_position(enrollment)
            groups[key[enrollment.status]].append(enrollment)
        elif session.end <= now:
            enrollment.can_give_feedback = feedback_allowed(enrollment)
            groups["past"].append(enrollment)
    groups["past"].reverse()
    groups["completed"] = list(
        _own(scope, CompletionRecord.objects.all()).select_related(
            "program", "session", "outside_learning"
        )
    )
    return groups


def feedback_allowed(enrollment: Enrollment) -> bool:
    """Return whether the person attended and has not yet given feedback."""
    attended = enrollment.status in (
        Enrollment.Status.ATTENDED,
        Enrollment.Status.PARTIAL,
        Enrollment.Status.COMPLETED,
    )
    return attended and not hasattr(enrollment, "feedback")


def jp_history(scope: Scope) -> list[dict]:
    """Return JP earned per year (passed completions), newest year first."""
    from django.db.models import Sum
    from django.db.models.functions import ExtractYear

    return list(
        _own(scope, CompletionRecord.objects.filter(passed=True))
        .annotate(year=ExtractYear("completion_date"))
        .values("year")
        .annotate(jp=Sum("jp_credited"), count=Count("pk"))
        .order_by("-year")
    )


def week_entries(scope: Scope, *, start: datetime.datetime, end: datetime.datetime):
    """Return the person's schedule entries and active sessions touching ``[start, end)``."""
    entries = list(
        _own(scope, ScheduleEntry.objects.filter(start__lt=end, end__gt=start)).order_by("start")
    )
    enrollments = list(
        _own(
            scope,
            Enrollment.objects.filter(
                status__in=Enrollment.ACTIVE, session__start__lt=end, session__end__gt=start
            ),
        )
        .exclude(session__status=TrainingSession.Status.CANCELLED)
        .select_related("session__program", "session__district")
        .prefetch_related("session__meetings__venue")
        .order_by("session__start")
    )
    return entries, enrollments


def own_upcoming_entries(scope: Scope, *, now: datetime.datetime) -> QuerySet:
    """Return the person's schedule entries that have not ended yet."""
    return _own(scope, ScheduleEntry.objects.filter(end__gt=now)).order_by("start")


def pending_requests(supervisor_id: int, *, now: datetime.datetime) -> QuerySet:
    """Return the enrolment requests of the supervisor's direct reports that await a decision."""
    return (
        Enrollment.objects.filter(
            status=Enrollment.Status.REQUESTED,
            civil_servant__supervisor_id=supervisor_id,
            session__start__gt=now,
        )
        .select_related("civil_servant", "session__program", "session__district")
        .order_by("session__start", "pk")
    )


def cancel_consequence(enrollment: Enrollment) -> dict:
    """Return what cancelling ``enrollment`` does to its seat, for the confirmation page.

    ``kind`` is ``"to_waitlist"`` (the seat goes at once to the first of
    ``waiting`` people), ``"freed"`` (the seat is free for anyone), ``"leave_waitlist"``
    or ``"withdraw_request"``.
    """
    waiting = Enrollment.objects.filter(
        session_id=enrollment.session_id, status=Enrollment.Status.WAITLISTED
    ).count()
    if enrollment.status == Enrollment.Status.WAITLISTED:
        kind = "leave_waitlist"
    elif enrollment.status == Enrollment.Status.REQUESTED:
        kind = "withdraw_request"
    else:
        kind = "to_waitlist" if waiting else "freed"
    return {
        "kind": kind,
        "waiting": waiting,
        "seats_left": seats_left(enrollment.session),
        "position": waitlist_position(enrollment),
    }


@dataclasses.dataclass(frozen=True)
class OnlineMeeting:
    meeting: object
    join_link: str
    opens_at: datetime.datetime
    check_in_open: bool


def online_meetings(
    session: TrainingSession, enrollment: Enrollment | None, *, now: datetime.datetime
) -> list[OnlineMeeting]:
    """Return the session's online meetings that are not over, for a participant only.

    The join link is given from ``JOIN_LINK_OPENS`` before the meeting starts; before
    that (and to anyone not taking part) it stays hidden.
    """
    if enrollment is None or enrollment.status not in TAKING_PART:
        return []
    result = []
    for meeting in session.meetings.filter(is_online=True, is_cancelled=False, end__gt=now):
        opens_at = meeting.start - JOIN_LINK_OPENS
        is_open = opens_at <= now
        result.append(
            OnlineMeeting(
                meeting=meeting,
                join_link=meeting.join_link if is_open else "",
                opens_at=opens_at,
                check_in_open=is_open,
            )
        )
    return result
