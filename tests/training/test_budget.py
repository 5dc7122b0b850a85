"""Budget ceilings: the warning at the ceiling (not below), the budget page, scope."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    EnrollmentFactory,
    ProgramFactory,
    SessionFactory,
    at,
    district,
    hr_officer,
    session_day,
)
from training.models import BudgetCeiling, Competency
from training.services import budget, scheduling
from training.services.session_costs import schedule_with_cost
from training.services.warnings import Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    place = district("mulyorejo")
    program = ProgramFactory(district=place)
    year = session_day().year
    existing = SessionFactory(
        district=place,
        program=program,
        start=at(session_day(), 8),
        cost_amount=Decimal(600_000),
        cost_basis="total",
    )
    BudgetCeiling.objects.create(district=place, year=year, amount=Decimal(1_000_000))
    return {"district": place, "program": program, "year": year, "existing": existing}


def _warnings(home, amount, basis="total", capacity=20):
    day = session_day()
    return budget.ceiling_warnings(
        district=home["district"],
        program_id=home["program"].pk,
        intervals=[(at(day, 13), at(day, 15))],
        cost_amount=Decimal(amount),
        cost_basis=basis,
        capacity=capacity,
        now=timezone.now(),
    )


@pytest.mark.parametrize(
    ("amount", "fires"),
    [("399999", False), ("400000", True), ("400001", True)],
    ids=["below", "at_ceiling", "over"],
)
def test_warning_fires_at_ceiling_and_not_below(home, amount, fires):
    found = _warnings(home, amount)
    assert [w.kind for w in found] == ([Kind.BUDGET] if fires else [])


def test_per_participant_cost_counts_capacity_of_future_session(home):
    assert _warnings(home, "19999", basis="per_participant", capacity=20) == []
    assert len(_warnings(home, "20000", basis="per_participant", capacity=20)) == 1


def test_program_and_competency_ceilings_warn_by_name(home):
    BudgetCeiling.objects.create(
        district=home["district"], year=home["year"], program=home["program"], amount=700_000
    )
    competency = Competency.objects.create(district=home["district"], name="Uji", kind="teknis")
    competency.programs.add(home["program"])
    BudgetCeiling.objects.create(
        district=home["district"], year=home["year"], competency=competency, amount=650_000
    )
    messages = [w.message for w in _warnings(home, "100000")]
    assert len(messages) == 2
    assert "Rp 700.000" in " ".join(messages) or "Rp 700,000" in " ".join(messages)


def test_scheduling_over_ceiling_needs_a_reason(home, officer):
    day = session_day()
    arguments = {
        "program": home["program"],
        "intervals": [(at(day, 13), at(day, 15))],
        "capacity": 10,
        "actor": officer.user,
        "cost_amount": Decimal(500_000),
        "cost_basis": "total",
        "now": timezone.now(),
    }
    with pytest.raises(scheduling.WarningsNeedReason) as raised:
        schedule_with_cost(**arguments)
    assert [w.kind for w in raised.value.warnings] == [Kind.BUDGET]
    (created,) = schedule_with_cost(**arguments, override_reason="Disetujui Sekcam")
    assert created.cost_amount == Decimal(500_000)


def test_changing_cost_over_ceiling_warns(home, officer):
    session = SessionFactory(
        district=home["district"], program=home["program"], start=at(session_day(), 13)
    )
    with pytest.raises(scheduling.WarningsNeedReason):
        scheduling.update_session(
            session=session,
            data={"cost_amount": Decimal(400_000), "cost_basis": "total"},
            actor=officer.user,
            now=timezone.now(),
        )


def test_budget_page_shows_ceiling_planned_spent_remaining(hr_client, home):
    held = SessionFactory(
        district=home["district"],
        program=home["program"],
        start=timezone.now() - datetime.timedelta(days=1),
        cost_amount=Decimal(50_000),
        cost_basis="per_participant",
        status="completed",
    )
    EnrollmentFactory.create_batch(2, session=held, status="completed")
    response = hr_client.get(reverse("training:hr-budget"), {"tahun": home["year"]})
    (place, lines) = response.context["places"][0]
    line = lines[0]
    if held.start.year == home["year"]:
        assert (line.spent, line.participants, line.cost_per_participant) == (
            Decimal(100_000),
            2,
            Decimal(50_000),
        )
    assert line.planned == Decimal(600_000)
    assert line.remaining == Decimal(1_000_000) - line.planned - line.spent


def test_hr_sets_a_ceiling(hr_client, home):
    response = hr_client.post(
        reverse("training:hr-budget"),
        {"district": home["district"].pk, "year": home["year"], "amount": "2.000.000"},
    )
    assert response.status_code == 302
    ceiling = BudgetCeiling.objects.get(district=home["district"], year=home["year"], program=None)
    assert ceiling.amount == Decimal(2_000_000)


def test_other_district_budget_not_shown_and_not_settable(client, home):
    client.force_login(hr_officer(district("plaju")).user)
    response = client.get(reverse("training:hr-budget"))
    assert [place for place, _lines in response.context["places"]] == [district("plaju")]
    response = client.post(
        reverse("training:hr-budget"),
        {"district": home["district"].pk, "year": home["year"], "amount": "1"},
    )
    assert "district" in response.context["form"].errors
    assert BudgetCeiling.objects.get(district=home["district"]).amount == Decimal(1_000_000)
