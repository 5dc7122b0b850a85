"""In Chromium: HR finds a gap and invites to a session; the ASN accepts on a phone;
a supervisor approves a development plan."""

import pytest

from tests.conftest import login, open_phone_menu, screenshot
from tests.factories import (
    CivilServantFactory,
    CompletionRecordFactory,
    ProgramFactory,
    SessionFactory,
    WorkUnitFactory,
    district,
    hr_officer,
)
from tests.training.selfservice_helpers import days_ahead
from training.models import (
    Competency,
    CompetencyRequirement,
    DevelopmentPlan,
    Enrollment,
    Invitation,
    PlanItem,
)

pytestmark = pytest.mark.usefixtures("without_shipped_holidays")


def _world():
    home = district("mulyorejo")
    unit = WorkUnitFactory(district=home, name="Seksi Pelayanan Umum")
    competency = Competency.objects.create(district=home, name="Layanan Prima", kind="teknis")
    program = ProgramFactory(district=home, title="Pelayanan Prima Loket")
    competency.programs.add(program)
    CompetencyRequirement.objects.create(competency=competency, district=home, work_unit=unit)
    boss = CivilServantFactory(district=home, name="Irfan Lubis")
    adi = CivilServantFactory(district=home, work_unit=unit, name="Adi Saputra", supervisor=boss)
    bunga = CivilServantFactory(
        district=home, work_unit=unit, name="Bunga Lestari", supervisor=boss
    )
    CompletionRecordFactory(
        civil_servant=CivilServantFactory(district=home, work_unit=unit, name="Cahya Sudah"),
        program=program,
    )
    session = SessionFactory(district=home, program=program, start=days_ahead(9, 9))
    return {
        "competency": competency,
        "program": program,
        "boss": boss,
        "adi": adi,
        "bunga": bunga,
        "session": session,
        "unit": unit,
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_hr_opens_gap_matrix_drills_into_cell_and_invites(page):
    world = _world()
    officer = hr_officer(district("mulyorejo"), name="Yusuf Utomo")
    login(page, officer.nip)
    page.goto(f"{page.base}/dasbor/kompetensi/?as=hr")
    cell = page.locator(f"[data-cell='{world['unit'].pk}-{world['competency'].pk}']")
    assert cell.inner_text() == "66,7 %"
    screenshot(page, "planning-hr-gap-matrix")
    cell.click()
    page.wait_for_load_state("networkidle")
    names = page.locator("#lacking-people tbody tr td:first-child a").all_inner_texts()
    assert names == ["Adi Saputra", "Bunga Lestari"]
    screenshot(page, "planning-hr-gap-cell")
    page.click("text=Siapa yang diundang")
    page.wait_for_load_state("networkidle")
    assert page.locator("#invite-candidates input[name=person]").count() == 2
    screenshot(page, "planning-hr-who-to-invite")
    page.click("#invite-submit")
    page.wait_for_load_state("networkidle")
    assert "2 pegawai telah diundang." in page.locator(".alert-success").inner_text()
    assert sorted(
        Invitation.objects.filter(session=world["session"]).values_list(
            "civil_servant__name", flat=True
        )
    ) == ["Adi Saputra", "Bunga Lestari"]
    screenshot(page, "planning-hr-invited")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_invited_asn_accepts_on_a_phone(phone_page):
    page = phone_page
    world = _world()
    Invitation.objects.create(session=world["session"], civil_servant=world["adi"])
    login(page, world["adi"].nip)
    open_phone_menu(page)
    page.click("#portal-nav >> text=Kompetensi saya")
    page.wait_for_load_state("networkidle")
    assert "Layanan Prima" in page.locator(".competency-gap").inner_text()
    screenshot(page, "planning-phone-my-competencies")
    page.click("#my-invitations a")
    page.wait_for_load_state("networkidle")
    screenshot(page, "planning-phone-invitation")
    page.click("#accept")
    page.wait_for_load_state("networkidle")
    assert "Anda menerima undangan" in page.locator(".alert-success").inner_text()
    enrollment = Enrollment.objects.get(session=world["session"], civil_servant=world["adi"])
    assert enrollment.status == Enrollment.Status.APPROVED
    screenshot(page, "planning-phone-accepted")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_supervisor_approves_a_plan(page):
    world = _world()
    plan = DevelopmentPlan.objects.create(
        civil_servant=world["adi"], year=days_ahead(0).year, status="submitted"
    )
    PlanItem.objects.create(
        plan=plan, competency=world["competency"], program=world["program"], jp_planned=8
    )
    login(page, world["boss"].nip)
    page.goto(f"{page.base}/saya/rencana-tim/")
    card = page.locator(f".team-plan[data-plan='{plan.pk}']")
    assert "Pelayanan Prima Loket" in card.inner_text()
    screenshot(page, "planning-supervisor-team-plans")
    card.locator("button[value=approve]").click()
    page.wait_for_load_state("networkidle")
    assert "Rencana telah disetujui." in page.locator(".alert-success").inner_text()
    plan.refresh_from_db()
    assert plan.status == "approved"
    screenshot(page, "planning-supervisor-approved")
