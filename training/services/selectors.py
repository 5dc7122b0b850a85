"""Reads for pages: each takes a scope or a person and returns plain data."""

import datetime

from django.db.models import Count, Q, QuerySet, Sum

from districts.models import CivilServant
from districts.scoping import Scope

from ..models import CompletionRecord, Enrollment, TrainingSession
from .jp import credited_jp, yearly_target


def open_to(person: CivilServant) -> Q:
    """Return the condition of the sessions open to the person (the catalogue's)."""
    return Q(status=TrainingSession.Status.PUBLISHED) & (
        Q(district_id=person.district_id) | Q(program__open_to_other_districts=True)
    )


def sessions_open_to(person: CivilServant) -> QuerySet:
    """Return the published sessions the person may see: their district's and open programs'."""
    seats = Count("enrollments", filter=Q(enrollments__status__in=Enrollment.SEAT_HOLDING))
    return (
        TrainingSession.objects.filter(open_to(person))
        .select_related("program", "district", "venue", "instructor")
        .prefetch_related("meetings")
        .annotate(seats_taken=seats)
    )


def jp_progress(person: CivilServant, year: int) -> dict:
    """Return the person's JP in ``year``: a PNS against the target, a PPPK against the cap.

    ``earned`` sums every passed completion, portal training and verified
    outside learning alike; ``pending`` is the JP of outside learning that
    awaits verification (shown, never counted). For PPPK (``capped``) there
    is nothing "missing": the cap limits what counts, it is not a target.
    """
    from ..models import OutsideLearning

    earned = (
        CompletionRecord.objects.filter(
            civil_servant=person, passed=True, completion_date__year=year
        ).aggregate(total=Sum("jp_credited"))["total"]
        or 0
    )
    pending = (
        OutsideLearning.objects.filter(
            civil_servant=person,
            status=OutsideLearning.Status.SUBMITTED,
            end_date__year=year,
        ).aggregate(total=Sum("jp_claimed"))["total"]
        or 0
    )
    target = yearly_target(person.asn_type)
    counted = credited_jp(person.asn_type, earned)
    capped = person.asn_type == "PPPK"
    return {
        "year": year,
        "earned": earned,
        "counted": counted,
        "target": target,
        "capped": capped,
        "pending": pending,
        "missing": None if capped else max(target - counted, 0),
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


def district_overview(scope: Scope, *, now: datetime.datetime) -> list:
    """Return the scope's districts, each with ``people`` and ``upcoming_sessions`` counts.

    Three queries whatever the size: the districts, then one GROUP BY of each
    table. (Two ``Count(distinct=True)`` over two reverse joins in one query
    multiplied people by sessions: 36 million rows for one district at
    province scale, 98 s. A correlated count per district walked each
    district's people by index: 0.3 s for the administrator's 14 districts.)
    """
    districts = list(scope.districts().order_by("name"))
    ids = [district.pk for district in districts]
    people = dict(
        CivilServant.objects.filter(district_id__in=ids, is_active=True)
        .order_by()
        .values_list("district_id")
        .annotate(total=Count("pk"))
    )
    upcoming = dict(
        TrainingSession.objects.filter(
            district_id__in=ids, start__gte=now, status=TrainingSession.Status.PUBLISHED
        )
        .order_by()
        .values_list("district_id")
        .annotate(total=Count("pk"))
    )
    for district in districts:
        district.people = people.get(district.pk, 0)
        district.upcoming_sessions = upcoming.get(district.pk, 0)
    return districts


def subtree_summary(supervisor: CivilServant) -> dict:
    """Return how many people report (directly or not) to the supervisor."""
    from districts.scoping import subtree_ids

    direct = CivilServant.objects.filter(supervisor=supervisor, is_active=True).count()
    total = CivilServant.objects.filter(pk__in=subtree_ids(supervisor.pk), is_active=True).count()
    return {"direct": direct, "total": total}


def approval_queue(requests, *, now: datetime.datetime) -> list[dict]:
    """Return requests awaiting a decision, each with what the decider needs to know.

    ``requests`` is an already scoped queryset of enrolments. Each row holds
    the enrolment, the seats left in its session, the person's unresolved
    clashes with it, and their JP shortfall for the session's year (None for
    PPPK, who have a cap, not a target). A fixed number of queries, whatever
    the number of rows.
    """
    from .conflicts import conflicts_for_enrollments

    rows = list(
        requests.filter(status=Enrollment.Status.REQUESTED, session__start__gt=now)
        .select_related(
            "civil_servant__work_unit", "session__program", "session__district", "session__venue"
        )
        .annotate(
            seats_taken=Count(
                "session__enrollments",
                filter=Q(session__enrollments__status__in=Enrollment.SEAT_HOLDING),
            )
        )
        .order_by("session__start", "pk")
    )
    clashes: dict[int, list] = {}
    found = conflicts_for_enrollments(enrollment_ids=[r.pk for r in rows], now=now) if rows else []
    for item in found:
        if not item.resolved:
            clashes.setdefault(item.enrollment_id, []).append(item)

    def year(row) -> int:  # the year as the session's own district reads it
        return row.session.start.astimezone(row.session.district.tzinfo).year

    years = {year(row) for row in rows}
    earned: dict[tuple[int, int], int] = {}
    for values in (
        CompletionRecord.objects.filter(
            civil_servant_id__in={row.civil_servant_id for row in rows},
            passed=True,
            completion_date__year__in=years,
        )
        .values("civil_servant_id", "completion_date__year")
        .annotate(total=Sum("jp_credited"))
    ):
        earned[values["civil_servant_id"], values["completion_date__year"]] = values["total"]
    result = []
    for row in rows:
        person = row.civil_servant
        target = yearly_target(person.asn_type) if person.asn_type == "PNS" else None
        counted = credited_jp(person.asn_type, earned.get((person.pk, row.session.start.year), 0))
        result.append(
            {
                "enrollment": row,
                # The request itself holds a seat, so "left" counts the others' seats.
                "seats_left": max(row.session.capacity - row.seats_taken, 0),
                "clashes": clashes.get(row.pk, []),
                "jp_counted": counted,
                "jp_missing": None if target is None else max(target - counted, 0),
            }
        )
    return result
