"""Gap pages: the HR matrix and its cell, a supervisor's subtree, the ASN's own gaps,
the catalogue's recommendations, who to invite, and answering an invitation."""

import csv
import io

import pytest
from django.urls import reverse

from tests.factories import (
    CivilServantFactory,
    CompletionRecordFactory,
    EnrollmentFactory,
    ProgramFactory,
    ScheduleEntryFactory,
    SessionFactory,
    WorkUnitFactory,
    at,
    district,
    hr_officer,
    session_day,
)
from training.models import (
    Competency,
    CompetencyRequirement,
    Enrollment,
    Invitation,
    Reminder,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    """Unit Pelayanan requires "Layanan"; S supervises A and B there; C elsewhere has it done.

    A lacks it, B completed a program that develops it; a program session is upcoming.
    """
    home = district("mulyorejo")
    service, other_unit = (
        WorkUnitFactory(district=home, name="Seksi Pelayanan"),
        WorkUnitFactory(district=home, name="Seksi Umum"),
    )
    competency = Competency.objects.create(district=home, name="Layanan", kind="sosial_kultural")
    program = ProgramFactory(district=home, title="Pelayanan Prima")
    competency.programs.add(program)
    CompetencyRequirement.objects.create(competency=competency, district=home, work_unit=service)
    s = CivilServantFactory(district=home, work_unit=other_unit, name="Sri Atasan")
    a = CivilServantFactory(district=home, work_unit=service, supervisor=s, name="Adi")
    b = CivilServantFactory(district=home, work_unit=service, supervisor=s, name="Bunga")
    c = CivilServantFactory(district=home, work_unit=service, name="Cahya")
    CompletionRecordFactory(civil_servant=b, program=program)
    session = SessionFactory(district=home, program=program)
    far = district("plaju")
    foreign = Competency.objects.create(district=far, name="Asing", kind="teknis")
    return {
        "home": home,
        "unit": service,
        "competency": competency,
        "program": program,
        "session": session,
        "s": s,
        "a": a,
        "b": b,
        "c": c,
        "foreign": foreign,
    }


def test_hr_matrix_shows_share_lacking(hr_client, org):
    response = hr_client.get(reverse("training:gaps"))
    assert response.status_code == 200
    matrix = response.context["matrix"]
    assert [c.name for c in matrix.competencies] == ["Layanan"]
    (row,) = matrix.rows
    assert (row["unit"], row["cells"][0].needing, row["cells"][0].lacking) == (org["unit"], 3, 2)
    assert "66,7 %" in response.content.decode()


def test_hr_matrix_filters_by_rank(hr_client, org):
    response = hr_client.get(reverse("training:gaps"), {"rank": "IV/a"})
    assert response.context["matrix"].rows == []


def test_hr_cell_lists_who_lacks(hr_client, org):
    url = reverse("training:gap-cell", args=[org["competency"].pk])
    response = hr_client.get(url, {"unit": org["unit"].pk})
    assert [p.name for p in response.context["people"]] == ["Adi", "Cahya"]
    assert list(response.context["sessions"]) == [org["session"]]


def test_other_district_competency_answers_404(hr_client, org):
    response = hr_client.get(reverse("training:gap-cell", args=[org["foreign"].pk]))
    assert response.status_code == 404


def test_supervisor_sees_only_subtree(client, org):
    client.force_login(org["s"].user)
    response = client.get(reverse("training:gaps"))
    (row,) = response.context["matrix"].rows
    assert (row["cells"][0].needing, row["cells"][0].lacking) == (2, 1)
    cell = client.get(reverse("training:gap-cell", args=[org["competency"].pk]))
    assert [p.name for p in cell.context["people"]] == ["Adi"]
    assert cell.context["can_invite"] is False


def test_plain_civil_servant_has_no_matrix(client, org):
    client.force_login(org["a"].user)
    assert client.get(reverse("training:gaps")).status_code == 404


def test_matrix_csv_export(hr_client, org):
    response = hr_client.get(reverse("training:gaps-export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["Mulyorejo", "Seksi Pelayanan", "Layanan", "3", "2", "66,7"]


def test_matrix_xlsx_export(hr_client, org):
    response = hr_client.get(reverse("training:gaps-export", args=["xlsx"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_asn_sees_own_gap_with_closing_session(client, org):
    client.force_login(org["a"].user)
    response = client.get(reverse("training:my_competencies"))
    (gap,) = response.context["gaps"]
    assert (gap.competency, gap.sessions) == (org["competency"], [org["session"]])


def test_asn_without_gap_sees_none(client, org):
    client.force_login(org["b"].user)
    assert client.get(reverse("training:my_competencies")).context["gaps"] == []


def test_catalogue_recommends_sessions_closing_a_gap_first(client, org):
    later = SessionFactory(
        district=org["home"],
        program=ProgramFactory(district=org["home"]),
        start=at(session_day(), 7),
    )
    client.force_login(org["a"].user)
    sessions = client.get(reverse("training:catalogue")).context["sessions"]
    assert [(s.pk, s.recommended) for s in sessions] == [
        (org["session"].pk, True),
        (later.pk, False),
    ]


def test_who_to_invite_leaves_out_clash_enrolled_and_reached(hr_client, org):
    d = CivilServantFactory(district=org["home"], work_unit=org["unit"], name="Dewi")
    e = CivilServantFactory(district=org["home"], work_unit=org["unit"], name="Eko")
    f = CivilServantFactory(district=org["home"], work_unit=org["unit"], name="Fajar")
    ScheduleEntryFactory(civil_servant=d, start=org["session"].start, end=org["session"].end)
    EnrollmentFactory(session=org["session"], civil_servant=e)
    CompletionRecordFactory(civil_servant=f, jp_credited=20)
    response = hr_client.get(reverse("training:hr-invite", args=[org["session"].pk]))
    assert [p.name for p in response.context["people"]] == ["Adi", "Cahya"]


def test_bulk_invite_records_outbox_rows(
    hr_client, org, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("training:hr-invite", args=[org["session"].pk])
    with_ids = {"person": [org["a"].pk, org["c"].pk, org["b"].pk]}  # B is no candidate
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.post(url, with_ids)
    assert response.status_code == 302
    invited = Invitation.objects.filter(session=org["session"])
    assert sorted(i.civil_servant.name for i in invited) == ["Adi", "Cahya"]
    assert Reminder.objects.filter(kind="invited").count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([org["a"].email, org["c"].email])


def test_invited_asn_accepts_into_enrolment(client, org):
    invitation = Invitation.objects.create(session=org["session"], civil_servant=org["a"])
    client.force_login(org["a"].user)
    url = reverse("training:invitation", args=[invitation.pk])
    response = client.post(url, {"answer": "accept"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert invitation.enrollment.status == Enrollment.Status.APPROVED


def test_invited_asn_declines(client, org):
    invitation = Invitation.objects.create(session=org["session"], civil_servant=org["a"])
    client.force_login(org["a"].user)
    client.post(reverse("training:invitation", args=[invitation.pk]), {"answer": "decline"})
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    assert not Enrollment.objects.filter(civil_servant=org["a"]).exists()


def test_someone_elses_invitation_answers_404(client, org):
    invitation = Invitation.objects.create(session=org["session"], civil_servant=org["a"])
    client.force_login(org["c"].user)
    assert client.get(reverse("training:invitation", args=[invitation.pk])).status_code == 404


def test_other_district_hr_cannot_invite(client, org):
    stranger = hr_officer(district("plaju"))
    client.force_login(stranger.user)
    url = reverse("training:hr-invite", args=[org["session"].pk])
    assert client.get(url).status_code == 404


def test_hr_saves_competency_with_needs(hr_client, org):
    url = reverse("training:hr-competency-edit", args=[org["competency"].pk])
    response = hr_client.post(
        url,
        {
            "name": "Layanan",
            "kind": "sosial_kultural",
            "description": "",
            "validity_years": "3",
            "is_active": "on",
            "programs": [org["program"].pk],
            "units": [],
            "positions": "Pengadministrasi Perkantoran\n",
            "people": org["s"].nip_display,
        },
    )
    assert response.status_code == 302
    competency = Competency.objects.get(pk=org["competency"].pk)
    assert competency.validity_years == 3
    assert list(competency.requirements.values_list("work_unit", "position_title")) == [
        (None, "Pengadministrasi Perkantoran")
    ]
    assert list(competency.individual_needs.values_list("civil_servant", flat=True)) == [
        org["s"].pk
    ]


def test_hr_competency_unknown_nip_refused_at_field(hr_client, org):
    url = reverse("training:hr-competency-edit", args=[org["competency"].pk])
    response = hr_client.post(
        url, {"name": "Layanan", "kind": "teknis", "people": "199001012015051001"}
    )
    assert response.status_code == 200
    assert "people" in response.context["form"].errors
    assert Competency.objects.get(pk=org["competency"].pk).kind == "sosial_kultural"


def test_hr_other_district_competency_edit_answers_404(hr_client, org):
    url = reverse("training:hr-competency-edit", args=[org["foreign"].pk])
    assert hr_client.get(url).status_code == 404


def test_matrix_page_query_count_does_not_grow_with_units(
    hr_client, org, django_assert_max_num_queries
):
    for number in range(5):
        unit = WorkUnitFactory(district=org["home"], name=f"Seksi {number}")
        CompetencyRequirement.objects.create(
            competency=org["competency"], district=org["home"], work_unit=unit
        )
        CivilServantFactory(district=org["home"], work_unit=unit)
    with django_assert_max_num_queries(20):
        hr_client.get(reverse("training:gaps"))
