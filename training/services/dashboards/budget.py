"""Budget: spent and planned per district and program, and the cost per JP credited.

A session's cost is its total, or its amount per participant times the seats
taken. Spent is the cost of the year's sessions that have ended, planned of
those still to come; cancelled sessions cost nothing and are counted apart.
One grouped query over the sessions of the viewer's districts.
"""

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from ...models import CompletionRecord, Enrollment, TrainingSession
from .filters import Criteria
from .sessions import visible_sessions

MONEY = DecimalField(max_digits=18, decimal_places=2)


def budget_rows(criteria: Criteria) -> list[dict]:
    """Return per district and program: sessions, cancelled, spent, planned, JP credited."""
    seats = (
        Enrollment.objects.filter(session=OuterRef("pk"), status__in=Enrollment.SEAT_HOLDING)
        .order_by()
        .values("session")
        .annotate(count=Count("pk"))
        .values("count")
    )
    credited = (
        CompletionRecord.objects.filter(session=OuterRef("pk"), passed=True)
        .order_by()
        .values("session")
        .annotate(jp=Sum("jp_credited"))
        .values("jp")
    )
    cost = Case(
        When(cost_basis=TrainingSession.CostBasis.TOTAL, then=F("cost_amount")),
        When(
            cost_basis=TrainingSession.CostBasis.PER_PARTICIPANT,
            then=ExpressionWrapper(
                F("cost_amount") * Coalesce(Subquery(seats), 0), output_field=MONEY
            ),
        ),
        default=Value(0),
        output_field=MONEY,
    )
    held = ~Q(status=TrainingSession.Status.CANCELLED)
    ended = Q(end__lte=criteria.now)
    return list(
        visible_sessions(criteria)
        .filter(start__gte=criteria.year_start, start__lt=criteria.year_end)
        .values("district__name", "program", "program__code", "program__title")
        .annotate(
            sessions=Count("pk", filter=held),
            cancelled_sessions=Count("pk", filter=~held),
            spent=Coalesce(Sum(cost, filter=held & ended), Value(0), output_field=MONEY),
            planned=Coalesce(Sum(cost, filter=held & ~ended), Value(0), output_field=MONEY),
            jp_credited=Coalesce(Sum(Subquery(credited), filter=held & ended), 0),
        )
        .order_by("district__name", "program__code")
    )
