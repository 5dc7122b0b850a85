"""Scheduling with the optional cost of each session (for the budget and its ceilings)."""

import datetime
from decimal import Decimal

from django.db import transaction

from ..models import TrainingSession
from . import budget, scheduling


def schedule_with_cost(
    *,
    cost_amount: Decimal | None,
    cost_basis: str,
    now: datetime.datetime,
    **schedule_args,
) -> list[TrainingSession]:
    """Schedule like ``scheduling.schedule_sessions`` and give every new session the cost.

    With ``meetings`` (a list of :class:`~training.services.scheduling.MeetingPlan`)
    it is ``scheduling.schedule_session``: one session that meets at each. A
    budget ceiling the new sessions would reach is one more warning to override.
    """
    program = schedule_args["program"]
    if "meetings" in schedule_args:
        plans = schedule_args["meetings"]
        # One session, however many meetings: its cost counts once, in its first meeting's year.
        intervals = [(min(p.start for p in plans), max(p.end for p in plans))] if plans else []
    else:
        intervals = schedule_args["intervals"]
    extra = budget.ceiling_warnings(
        district=program.district,
        program_id=program.pk,
        intervals=intervals,
        cost_amount=cost_amount,
        cost_basis=cost_basis,
        capacity=schedule_args["capacity"],
        now=now,
    )
    with transaction.atomic():
        if "meetings" in schedule_args:
            created = [scheduling.schedule_session(**schedule_args, now=now, extra_warnings=extra)]
        else:
            created = scheduling.schedule_sessions(**schedule_args, extra_warnings=extra)
        if cost_amount is not None:
            for session in created:
                session.cost_amount, session.cost_basis = cost_amount, cost_basis
                session.full_clean()
                session.save(update_fields=["cost_amount", "cost_basis", "updated_at"])
    return created
