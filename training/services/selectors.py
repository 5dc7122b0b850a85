"""Reads for pages: each takes a scope or a person and returns plain data."""

import datetime

from django.db.models import Count, Q, Sum

from districts.models import CivilServant
from districts.scoping import Scope

from ..models import CompletionRecord, Enrollment, TrainingSession
from .jp import credited_jp, yearly_target


def jp_progress(person: CivilServant, year: int) -> dict:
    """Return the person's JP in ``year`` against their target."""
    earned = (
        CompletionRecord.objects.filter(
            civil_servant=person, passed=True, completion_date__year=year
        ).aggregate(total=Sum("jp_credited"))["total"]
        or 0
    )
    target = yearly_target(person.asn_type)
    counted = credited_jp(person.asn_type, earned)
    return {
        "year": year,
        "earned": earned,
        "counted": counted,
        "target": target,
        "missing": max(target - counted, 0),
        "percent": min(round(100 * counted / target), 100) if target else 100,
    }


def upcoming_enrollments(person: CivilServant, *, now: datetime.datetime, limit: int = 5):
    """Return the person's next active enrolments, soonest first."""
    return (
        Enrollment.objects.filter(
            civil_servant=person, status__in=Enrollment.ACTIVE, session__end__gt=now
        )
        .exclude(session__status=TrainingSession.Status.CANCELLED)
        .select_related("session__program", "session__venue", "session__district")
        .order_by("session__start")[:limit]
    )


def district_overview(scope: Scope, *, now: datetime.datetime):
    """Return per-district counts of people and upcoming published sessions."""
    people = Count("civil_servants", filter=Q(civil_servants__is_active=True), distinct=True)
    upcoming = Count(
        "sessions",
        filter=Q(sessions__start__gte=now, sessions__status=TrainingSession.Status.PUBLISHED),
        distinct=True,
    )
    return scope.districts().annotate(people=people, upcoming_sessions=upcoming).order_by("name")


def subtree_summary(supervisor: CivilServant) -> dict:
    """Return how many people report (directly or not) to the supervisor."""
    from districts.scoping import subtree_ids

    direct = CivilServant.objects.filter(supervisor=supervisor, is_active=True).count()
    total = CivilServant.objects.filter(pk__in=subtree_ids(supervisor.pk), is_active=True).count()
    return {"direct": direct, "total": total}
