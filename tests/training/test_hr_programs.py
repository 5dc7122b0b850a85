"""HR program pages: list with filters, create/edit, deactivate instead of delete."""

import pytest
from django.urls import reverse

from tests.factories import ProgramFactory, SessionFactory, district, hr_officer
from training.models import TrainingProgram

FORM = {
    "code": "EGOV",
    "title": "Lokakarya E-Government",
    "description": "",
    "competency_kind": "teknis",
    "form": "klasikal",
    "method": "workshop",
    "provider": "",
    "jp_credited": "8",
    "min_attendance_percent": "100",
    "is_active": "on",
}


@pytest.fixture
def hr_client(client):
    officer = hr_officer(district("mulyorejo"))
    client.force_login(officer.user)
    return client


@pytest.mark.django_db
def test_program_list_filters_by_search_kind_and_active(hr_client):
    ProgramFactory(title="Manajemen Waktu", competency_kind="manajerial")
    ProgramFactory(title="Aplikasi SRIKANDI", competency_kind="teknis")
    ProgramFactory(title="Manajemen Keuangan", competency_kind="manajerial", is_active=False)
    ProgramFactory(title="Manajemen Plaju", district=district("plaju"))

    response = hr_client.get(
        reverse("training:hr-programs"), {"q": "manajemen", "competency_kind": "manajerial"}
    )
    inactive = hr_client.get(reverse("training:hr-programs"), {"active": "0"})

    assert [p.title for p in response.context["page"]] == ["Manajemen Keuangan", "Manajemen Waktu"]
    assert [p.title for p in inactive.context["page"]] == ["Manajemen Keuangan"]


@pytest.mark.django_db
def test_program_create_in_own_district(hr_client):
    response = hr_client.post(
        reverse("training:hr-program-create"), {**FORM, "district": district("mulyorejo").pk}
    )

    program = TrainingProgram.objects.get(code="EGOV")
    assert response.status_code == 302
    assert (program.district.slug, program.jp_credited, program.is_active) == (
        "mulyorejo",
        8,
        True,
    )


@pytest.mark.django_db
def test_program_create_refuses_another_district(hr_client):
    response = hr_client.post(
        reverse("training:hr-program-create"), {**FORM, "district": district("plaju").pk}
    )

    assert response.status_code == 200
    assert "district" in response.context["form"].errors
    assert not TrainingProgram.objects.exists()


@pytest.mark.django_db
def test_program_create_duplicate_code_error_at_code(hr_client):
    ProgramFactory(code="EGOV")

    response = hr_client.post(
        reverse("training:hr-program-create"), {**FORM, "district": district("mulyorejo").pk}
    )

    assert response.context["form"].errors["code"] == [
        "Program lain di wilayah ini sudah memakai kode ini."
    ]
    assert TrainingProgram.objects.count() == 1


@pytest.mark.django_db
def test_program_edit_changes_fields(hr_client):
    program = ProgramFactory(code="EGOV")

    hr_client.post(
        reverse("training:hr-program-edit", args=[program.pk]),
        {**FORM, "title": "Baru", "jp_credited": "12", "requires_supervisor_approval": "on"},
    )

    program.refresh_from_db()
    assert (program.title, program.jp_credited, program.requires_supervisor_approval) == (
        "Baru",
        12,
        True,
    )


@pytest.mark.django_db
def test_program_retire_deactivates_when_it_has_sessions(hr_client):
    session = SessionFactory()

    hr_client.post(reverse("training:hr-program-retire", args=[session.program_id]))

    assert TrainingProgram.objects.get(pk=session.program_id).is_active is False


@pytest.mark.django_db
def test_program_retire_deletes_without_history(hr_client):
    program = ProgramFactory()

    hr_client.post(reverse("training:hr-program-retire", args=[program.pk]))

    assert not TrainingProgram.objects.filter(pk=program.pk).exists()
