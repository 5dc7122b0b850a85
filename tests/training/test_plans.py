"""Development plans: drafting, the supervisor's decision, roll-up, progress, nomination, scope."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    CivilServantFactory,
    CompletionRecordFactory,
    ProgramFactory,
    SessionFactory,
    district,
    hr_officer,
)
from training.models import Competency, DevelopmentPlan, Enrollment, Invitation, PlanItem
from training.services import plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    home = district("mulyorejo")
    boss = CivilServantFactory(district=home, name="Sri Atasan")
    asn = CivilServantFactory(district=home, name="Adi", supervisor=boss)
    outsider = CivilServantFactory(district=home, name="Oki")
    competency = Competency.objects.create(district=home, name="Komunikasi lisan", kind="teknis")
    program = ProgramFactory(district=home, title="Komunikasi Efektif", jp_credited=8)
    competency.programs.add(program)
    year = timezone.localdate().year
    return {
        "home": home,
        "boss": boss,
        "asn": asn,
        "outsider": outsider,
        "competency": competency,
        "program": program,
        "year": year,
    }


def _submitted(team, **item):
    plan = plans.plan_for(team["asn"], team["year"])
    PlanItem.objects.create(
        plan=plan,
        competency=team["competency"],
        program=item.get("program", team["program"]),
        outside_learning=item.get("outside", ""),
        jp_planned=item.get("jp", 8),
    )
    plan.status = DevelopmentPlan.Status.SUBMITTED
    plan.save()
    return plan


def test_asn_drafts_and_sends_plan(client, team):
    client.force_login(team["asn"].user)
    url = reverse("training:my_plan")
    client.post(
        url,
        {
            "competency": team["competency"].pk,
            "program": "",
            "outside_learning": "Seminar komunikasi publik (Unair)",
            "jp_planned": "6",
        },
    )
    client.post(url, {"action": "submit"})
    plan = DevelopmentPlan.objects.get(civil_servant=team["asn"])
    assert plan.status == "submitted"
    assert list(plan.items.values_list("outside_learning", "jp_planned")) == [
        ("Seminar komunikasi publik (Unair)", 6)
    ]


def test_item_without_program_or_outside_learning_refused_at_field(client, team):
    client.force_login(team["asn"].user)
    response = client.post(
        reverse("training:my_plan"),
        {
            "competency": team["competency"].pk,
            "program": "",
            "outside_learning": "",
            "jp_planned": "4",
        },
    )
    assert "program" in response.context["form"].errors
    assert not PlanItem.objects.exists()


def test_supervisor_approves_plan(client, team):
    plan = _submitted(team)
    client.force_login(team["boss"].user)
    client.post(reverse("training:decide_plan", args=[plan.pk]), {"decision": "approve"})
    plan.refresh_from_db()
    assert (plan.status, plan.decided_by) == ("approved", team["boss"].user)


def test_supervisor_returns_plan_only_with_note(client, team):
    plan = _submitted(team)
    client.force_login(team["boss"].user)
    url = reverse("training:decide_plan", args=[plan.pk])
    client.post(url, {"decision": "return", "note": ""})
    plan.refresh_from_db()
    assert plan.status == "submitted"
    client.post(url, {"decision": "return", "note": "Tambahkan JP untuk manajemen waktu."})
    plan.refresh_from_db()
    assert (plan.status, plan.supervisor_note) == (
        "returned",
        "Tambahkan JP untuk manajemen waktu.",
    )


def test_other_supervisor_cannot_decide(client, team):
    plan = _submitted(team)
    CivilServantFactory(district=team["home"], supervisor=team["outsider"])
    client.force_login(team["outsider"].user)
    response = client.post(reverse("training:decide_plan", args=[plan.pk]), {"decision": "approve"})
    assert response.status_code == 404


def test_approved_plans_roll_up_and_progress_counts(hr_client, team):
    plan = _submitted(team, jp=16)
    plans.decide(plan=plan, approve=True, note="", actor=team["boss"].user, now=timezone.now())
    CompletionRecordFactory(civil_servant=team["asn"], program=team["program"], jp_credited=8)
    response = hr_client.get(reverse("training:hr-plans"))
    rollup = response.context["rollup"]
    assert [(r["competency__name"], r["people"], r["jp"]) for r in rollup["competencies"]] == [
        ("Komunikasi lisan", 1, 16)
    ]
    assert [(r["program__title"], r["people"]) for r in rollup["programs"]] == [
        ("Komunikasi Efektif", 1)
    ]
    (listed,) = response.context["plans"]
    assert listed.progress == {"planned": 16, "earned": 8, "items": 1, "done": 1, "percent": 50}


def test_other_district_hr_sees_no_plan(client, team):
    _submitted(team)
    client.force_login(hr_officer(district("plaju")).user)
    response = client.get(reverse("training:hr-plans"))
    assert response.context["plans"] == []


def test_supervisor_nominates_team_member_already_approved(client, team, mailoutbox):
    team["program"].requires_supervisor_approval = True
    team["program"].save()
    plan = _submitted(team)
    session = SessionFactory(district=team["home"], program=team["program"])
    client.force_login(team["boss"].user)
    client.post(reverse("training:nominate", args=[plan.pk]), {"session": session.pk})
    enrollment = Enrollment.objects.get(session=session, civil_servant=team["asn"])
    assert enrollment.status == Enrollment.Status.APPROVED
    assert Invitation.objects.get(session=session).status == "nominated"
