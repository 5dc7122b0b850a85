"""Scheduling with the optional cost of each session (for the dashboards' budget)."""

from decimal import Decimal

from django.db import transaction

from ..models import TrainingSession
from . import scheduling


def schedule_with_cost(
    *, cost_amount: Decimal | None, cost_basis: str, **schedule_args
) -> list[TrainingSession]:
    """Schedule like ``scheduling.schedule_sessions`` and give every new session the cost.

    With ``meetings`` (a list of :class:`~training.services.scheduling.MeetingPlan`)
    it is ``scheduling.schedule_session``: one session that meets at each.
    """
    with transaction.atomic():
        if "meetings" in schedule_args:
            created = [scheduling.schedule_session(**schedule_args)]
        else:
            created = scheduling.schedule_sessions(**schedule_args)
        if cost_amount is not None:
            for session in created:
                session.cost_amount, session.cost_basis = cost_amount, cost_basis
                session.full_clean()
                session.save(update_fields=["cost_amount", "cost_basis", "updated_at"])
    return created
