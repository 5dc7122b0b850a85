"""An ASN through the API: the sessions open to them (as the catalogue), enrolling themself."""

import datetime

import pytest
from django.utils import timezone

from tests import factories as f
from tests.training.api_helpers import client_with, token_for
from training.models import AuditEntry, Enrollment

pytestmark = pytest.mark.django_db

LINK = "https://zoom.us/j/81234567890"


@pytest.fixture
def a():
    return f.district("mulyorejo")


@pytest.fixture
def asn(a):
    return f.CivilServantFactory(district=a, user=f.UserFactory())


def test_an_asn_sees_the_sessions_open_to_them(a, asn):
    b = f.district("plaju")
    here = f.SessionFactory(district=a)
    draft = f.SessionFactory(district=a, status="draft")
    closed_elsewhere = f.SessionFactory(district=b)
    open_elsewhere = f.SessionFactory(
        district=b, program=f.ProgramFactory(district=b, open_to_other_districts=True)
    )
    client = client_with(token_for(asn.user, scope="read"))
    ids = {row["id"] for row in client.get("/api/v1/sessions/").json()["results"]}
    assert ids == {here.pk, open_elsewhere.pk}
    assert client.get(f"/api/v1/sessions/{here.pk}/").status_code == 200
    for hidden in (draft, closed_elsewhere):
        assert client.get(f"/api/v1/sessions/{hidden.pk}/").status_code == 404
    # The clashes of a session are HR's (they name other people).
    assert client.get(f"/api/v1/sessions/{here.pk}/conflicts/").status_code == 404


def test_an_asn_enrols_and_cancels_themself_through_the_service(a, asn):
    session = f.SessionFactory(district=a)
    client = client_with(token_for(asn.user, name="Aplikasi Saya"))
    made = client.post("/api/v1/enrolments/", {"session": session.pk}, format="json")
    assert made.status_code == 201, made.content
    enrolment = Enrollment.objects.get(civil_servant=asn, session=session)
    assert made.json()["status"] == enrolment.status == "approved"
    again = client.post(
        "/api/v1/enrolments/", {"session": session.pk, "civil_servant": asn.pk}, format="json"
    )
    assert again.status_code == 422 and again.json()["errors"]["code"] == "already_enrolled"
    cancelled = client.post(f"/api/v1/enrolments/{enrolment.pk}/cancel/", {}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    writes = AuditEntry.objects.filter(action=AuditEntry.Action.API_WRITE)
    assert [entry.detail.startswith("API, token “Aplikasi Saya”") for entry in writes] == [True] * 2


def test_approval_is_asked_of_the_supervisor_as_on_the_web(a):
    boss = f.CivilServantFactory(district=a)
    asn = f.CivilServantFactory(district=a, supervisor=boss, user=f.UserFactory())
    program = f.ProgramFactory(district=a, requires_supervisor_approval=True)
    session = f.SessionFactory(district=a, program=program)
    made = client_with(token_for(asn.user)).post(
        "/api/v1/enrolments/", {"session": session.pk}, format="json"
    )
    assert made.status_code == 201 and made.json()["status"] == "requested"


def test_an_asn_cannot_enrol_others_nor_in_a_session_not_open_to_them(a, asn):
    colleague = f.CivilServantFactory(district=a)
    session = f.SessionFactory(district=a)
    client = client_with(token_for(asn.user))
    other = client.post(
        "/api/v1/enrolments/", {"session": session.pk, "civil_servant": colleague.pk}, format="json"
    )
    assert other.status_code == 404
    draft = f.SessionFactory(district=a, status="draft")
    elsewhere = f.SessionFactory(district=f.district("plaju"))
    for hidden in (draft, elsewhere):
        answer = client.post("/api/v1/enrolments/", {"session": hidden.pk}, format="json")
        assert answer.status_code == 404
    assert not Enrollment.objects.exists()


def test_a_participant_sees_the_join_link_from_30_minutes_before(a, asn):
    soon = timezone.now() + datetime.timedelta(minutes=20)
    later = timezone.now() + datetime.timedelta(days=2)
    session = f.SessionFactory(
        district=a,
        venue=None,
        online_url=LINK,
        meetings=[
            (soon, soon + datetime.timedelta(hours=2)),
            (later, later + datetime.timedelta(hours=2)),
        ],
    )
    bystander = f.CivilServantFactory(district=a, user=f.UserFactory())
    path = f"/api/v1/sessions/{session.pk}/meetings/"
    assert [m["join_link"] for m in client_with(token_for(bystander.user)).get(path).json()] == [
        "",
        "",
    ]
    f.EnrollmentFactory(session=session, civil_servant=asn)
    seen = client_with(token_for(asn.user)).get(path).json()
    assert [m["join_link"] for m in seen] == [LINK, ""]
    assert all(m["is_online"] for m in seen)
