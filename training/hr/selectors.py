"""Reads for the HR pages; each takes the HR scope."""

import datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from districts.nip import normalize_nip
from districts.scoping import Scope
from training.models import (
    Enrollment,
    Instructor,
    Meeting,
    TrainingProgram,
    TrainingSession,
    Venue,
)


def programs(scope: Scope, *, filters: dict) -> QuerySet:
    """Return the programs in scope matching the list filters, with their session counts."""
    queryset = scope.filter(TrainingProgram.objects.select_related("district"))
    if filters.get("q"):
        term = filters["q"]
        queryset = queryset.filter(
            Q(title__icontains=term) | Q(code__icontains=term) | Q(provider__icontains=term)
        )
    if filters.get("competency_kind"):
        queryset = queryset.filter(competency_kind=filters["competency_kind"])
    if filters.get("form"):
        queryset = queryset.filter(form=filters["form"])
    if filters.get("active") in {"0", "1"}:
        queryset = queryset.filter(is_active=filters["active"] == "1")
    return queryset.annotate(session_count=Count("sessions")).order_by("title", "pk")


def people(scope: Scope, *, filters: dict) -> QuerySet:
    """Return the civil servants in scope matching a name or NIP, with their unit."""
    queryset = scope.people().select_related("district", "work_unit", "user")
    if filters.get("q"):
        term = filters["q"].strip()
        compact = normalize_nip(term)
        match = Q(name__icontains=term)
        if compact.isdigit():
            match |= Q(nip__startswith=compact)
        queryset = queryset.filter(match)
    if filters.get("active") in {"0", "1"}:
        queryset = queryset.filter(is_active=filters["active"] == "1")
    return queryset.order_by("name", "pk")


def sessions(scope: Scope, *, filters: dict) -> QuerySet:
    """Return the sessions in scope matching the filters, with seats taken and waitlist."""
    queryset = scope.filter(
        TrainingSession.objects.select_related("program", "district", "venue", "instructor")
    )
    if filters.get("district"):
        queryset = queryset.filter(district=filters["district"])
    if filters.get("program"):
        queryset = queryset.filter(program=filters["program"])
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    # A session is in a venue's (an instructor's) calendar when one of its meetings is.
    if filters.get("venue"):
        queryset = queryset.filter(
            pk__in=Meeting.objects.filter(venue=filters["venue"]).values("session_id")
        )
    if filters.get("instructor"):
        queryset = queryset.filter(
            Q(instructor=filters["instructor"])
            | Q(
                pk__in=Meeting.objects.filter(instructor=filters["instructor"]).values("session_id")
            )
        )
    if filters.get("period") == "upcoming":
        queryset = queryset.filter(end__gt=filters["now"])
    elif filters.get("period") == "past":
        return with_counts(queryset.filter(end__lte=filters["now"])).order_by("-start", "-pk")
    if filters.get("start") and filters.get("end"):
        queryset = queryset.filter(start__lt=filters["end"], end__gt=filters["start"])
    return with_counts(queryset).order_by("start", "pk")


def with_counts(queryset: QuerySet) -> QuerySet:
    """Annotate sessions with ``seats_taken`` and ``waitlist_length``.

    Each count is a subquery per session row, not a GROUP BY over the join with
    enrolments: PostgreSQL then counts only the rows of the page (it evaluates
    the subqueries after ORDER BY ... LIMIT), and a paginator's COUNT leaves
    them out. Grouped, the administrator's first page of upcoming sessions at
    province scale aggregated every session's enrolments first (5.3 s).
    """

    def counted(statuses) -> Coalesce:
        rows = (
            Enrollment.objects.filter(session=OuterRef("pk"), status__in=statuses)
            .order_by()
            .values("session")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return Coalesce(Subquery(rows), 0)

    return queryset.annotate(
        seats_taken=counted(Enrollment.SEAT_HOLDING),
        waitlist_length=counted([Enrollment.Status.WAITLISTED]),
    )


def roster(session: TrainingSession) -> dict[str, list[Enrollment]]:
    """Return the session's enrolments by group, with the person's unit and rank."""
    groups = {"enrolled": [], "requested": [], "waitlisted": [], "ended": []}
    queryset = (
        Enrollment.objects.filter(session=session)
        .select_related("civil_servant__work_unit")
        .order_by("civil_servant__name", "pk")
    )
    for enrollment in queryset:
        if enrollment.status == Enrollment.Status.REQUESTED:
            groups["requested"].append(enrollment)
        elif enrollment.status == Enrollment.Status.WAITLISTED:
            groups["waitlisted"].append(enrollment)
        elif enrollment.status in Enrollment.ENDED:
            groups["ended"].append(enrollment)
        else:
            groups["enrolled"].append(enrollment)
    groups["waitlisted"].sort(key=lambda e: (e.waitlisted_at, e.pk))
    return groups


def enrollments_with(session: TrainingSession, statuses) -> QuerySet:
    """Return the session's enrolments in ``statuses``, by name."""
    return (
        Enrollment.objects.filter(session=session, status__in=statuses)
        .select_related("civil_servant__work_unit")
        .order_by("civil_servant__name", "pk")
    )


def home_summary(scope: Scope, *, now, until) -> dict:
    """Return the HR officer's counts for the home card and the next three sessions."""
    sessions = scope.filter(TrainingSession.objects.all())
    upcoming = sessions.filter(
        status=TrainingSession.Status.PUBLISHED, start__gte=now, start__lt=until
    )
    return {
        "upcoming": upcoming.count(),
        "drafts": sessions.filter(status=TrainingSession.Status.DRAFT, start__gte=now).count(),
        "requests": scope.filter(
            Enrollment.objects.filter(status=Enrollment.Status.REQUESTED, session__start__gte=now)
        ).count(),
        "next": list(
            with_counts(upcoming.select_related("program", "district")).order_by("start")[:3]
        ),
    }


def _places(queryset: QuerySet, *, filters: dict, search: tuple[str, ...]) -> QuerySet:
    if filters.get("q"):
        term = Q()
        for name in search:
            term |= Q(**{f"{name}__icontains": filters["q"]})
        queryset = queryset.filter(term)
    if filters.get("active") in {"0", "1"}:
        queryset = queryset.filter(is_active=filters["active"] == "1")
    return queryset.annotate(session_count=Count("sessions")).order_by("name", "pk")


def venues(scope: Scope, *, filters: dict) -> QuerySet:
    """Return the venues in scope matching the list filters, with their session counts."""
    queryset = scope.filter(Venue.objects.select_related("district"))
    return _places(queryset, filters=filters, search=("name", "address"))


def instructors(scope: Scope, *, filters: dict) -> QuerySet:
    """Return the instructors in scope (shared ones too), with their session counts."""
    queryset = scope.filter(Instructor.objects.select_related("district", "civil_servant"))
    return _places(queryset, filters=filters, search=("name", "institution", "email"))


def holidays_by_day(scope: Scope, first: datetime.date, last: datetime.date) -> dict:
    """Return ``{date: [Holiday, ...]}`` from ``first`` to ``last``: national ones and
    those of the scope's districts (cuti bersama included)."""
    from districts.models import Holiday

    found: dict = {}
    for holiday in Holiday.objects.filter(date__range=(first, last)).filter(
        Q(district__isnull=True) | Q(district__in=scope.districts())
    ):
        found.setdefault(holiday.date, []).append(holiday)
    return found
