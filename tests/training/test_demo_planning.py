"""The demo's needs, plans, invitations and budget: every state is there to look at."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from districts.models import CivilServant, District
from training.models import BudgetCeiling, DevelopmentPlan, Invitation
from training.services import budget, needs

pytestmark = pytest.mark.django_db


def test_demo_has_gaps_plans_in_every_state_invitations_and_a_budget_near_its_ceiling():
    call_command("seed_demo")
    now = timezone.now()
    for district in District.objects.all():
        people = CivilServant.objects.filter(district=district)
        rows = needs.need_rows(people, on=timezone.localdate(now))
        assert any(not met for *_rest, met in rows)
        states = set(
            DevelopmentPlan.objects.filter(civil_servant__district=district).values_list(
                "status", flat=True
            )
        )
        assert states == {"draft", "submitted", "returned", "approved"}
        assert Invitation.objects.filter(session__district=district, status="pending").exists()
        ceiling = BudgetCeiling.objects.get(district=district, program=None, competency=None)
        (line, *_others) = budget.budget_lines(district=district, year=ceiling.year, now=now)
        assert 0 < line.remaining <= ceiling.amount / 10
