"""HR writes of programs and sessions through the API: the web's services, its warnings."""

import pytest

from tests import factories as f
from tests.training.api_helpers import client_with, token_for
from training.models import AuditEntry, Enrollment, TrainingProgram, TrainingSession

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/sessions/"


@pytest.fixture
def hr():
    return f.hr_officer(f.district("mulyorejo"))


@pytest.fixture
def client(hr):
    return client_with(token_for(hr.user, name="SIMDIKLAT"))


def _meeting(day, venue, start=8, end=12):
    return {
        "start": f.at(day, start).isoformat(),
        "end": f.at(day, end).isoformat(),
        "venue": venue.pk,
    }


def _api_writes():
    return list(
        AuditEntry.objects.filter(action=AuditEntry.Action.API_WRITE).values_list(
            "detail", flat=True
        )
    )


def test_hr_creates_and_changes_a_program_audited(hr, client):
    body = {
        "district": "mulyorejo",
        "code": "API-1",
        "title": "Pelatihan dari API",
        "competency_kind": "teknis",
        "form": "klasikal",
        "method": "workshop",
        "jp_credited": 16,
    }
    made = client.post("/api/v1/programs/", body, format="json")
    assert made.status_code == 201, made.content
    program = TrainingProgram.objects.get(code="API-1")
    assert program.district == hr.district and program.jp_credited == 16
    again = client.post("/api/v1/programs/", body, format="json")
    assert again.status_code == 422 and "code" in again.json()["errors"]
    changed = client.patch(f"/api/v1/programs/{program.pk}/", {"title": "Baru"}, format="json")
    assert changed.status_code == 200 and changed.json()["title"] == "Baru"
    program.refresh_from_db()
    assert program.title == "Baru" and program.jp_credited == 16
    assert all(detail.startswith("API, token “SIMDIKLAT”") for detail in _api_writes())
    assert len(_api_writes()) == 2


def test_hr_retires_programs_as_the_program_page_does(hr, client):
    unused = f.ProgramFactory(district=hr.district, code="KOSONG")
    held = f.ProgramFactory(district=hr.district, code="PERNAH")
    f.SessionFactory(program=held, district=hr.district)
    outsider = client_with(token_for(f.hr_officer(f.district("plaju")).user))

    assert outsider.delete(f"/api/v1/programs/{held.pk}/").status_code == 404
    gone = client.delete(f"/api/v1/programs/{unused.pk}/")
    kept = client.delete(f"/api/v1/programs/{held.pk}/")

    assert gone.status_code == 204 and not TrainingProgram.objects.filter(pk=unused.pk).exists()
    assert kept.status_code == 200 and kept.json()["is_active"] is False
    held.refresh_from_db()
    assert held.is_active is False  # it has a session: deactivated, not deleted
    assert sorted(_api_writes()) == [  # recorded in the site's language
        "API, token “SIMDIKLAT”: menghapus program KOSONG",
        "API, token “SIMDIKLAT”: menonaktifkan program PERNAH",
    ]


def test_another_districts_hr_and_an_asn_cannot_write_programs(hr):
    program = f.ProgramFactory(district=hr.district)
    outsider = client_with(token_for(f.hr_officer(f.district("plaju")).user))
    assert (
        outsider.patch(f"/api/v1/programs/{program.pk}/", {"title": "X"}, format="json").status_code
        == 404
    )
    body = {
        "district": "mulyorejo",
        "code": "X1",
        "title": "X",
        "competency_kind": "teknis",
        "form": "klasikal",
        "method": "workshop",
        "jp_credited": 2,
    }
    assert outsider.post("/api/v1/programs/", body, format="json").status_code == 404
    asn = f.CivilServantFactory(district=hr.district, user=f.UserFactory())
    assert (
        client_with(token_for(asn.user)).post("/api/v1/programs/", body, format="json").status_code
        == 404
    )


def test_a_session_with_two_meetings_warns_then_is_created_with_a_reason(hr, client):
    program = f.ProgramFactory(district=hr.district)
    venue = f.VenueFactory(district=hr.district, capacity=10)
    day = f.session_day()
    second = f.next_working_day(day)
    body = {
        "program": program.pk,
        "capacity": 30,  # above the venue's 10 seats: a warning, as on the form
        "meetings": [_meeting(day, venue), _meeting(second, venue, 13, 16)],
    }
    warned = client.post(SESSIONS, body, format="json")
    assert warned.status_code == 409, warned.content
    assert warned["Content-Type"] == "application/problem+json"
    assert warned.json()["warnings"] and warned.json()["warnings"][0]["message"]
    assert not TrainingSession.objects.exists()
    made = client.post(SESSIONS, {**body, "override_reason": "Aula tambahan"}, format="json")
    assert made.status_code == 201, made.content
    session = TrainingSession.objects.get()
    assert session.status == "draft" and session.meetings.count() == 2
    assert len(made.json()["meetings"]) == 2
    assert AuditEntry.objects.filter(
        session=session, action=AuditEntry.Action.WARNING_OVERRIDDEN
    ).exists()
    assert _api_writes()[-1].startswith("API, token “SIMDIKLAT”")


def test_a_venue_booked_twice_is_refused(hr, client):
    program = f.ProgramFactory(district=hr.district)
    venue = f.VenueFactory(district=hr.district)
    day = f.session_day()
    body = {
        "program": program.pk,
        "capacity": 5,
        "meetings": [_meeting(day, venue)],
        "override_reason": "ok",
    }
    assert client.post(SESSIONS, body, format="json").status_code == 201
    twice = client.post(SESSIONS, body, format="json")
    assert twice.status_code == 422 and twice.json()["errors"]["venue"]
    assert TrainingSession.objects.count() == 1


def test_reschedule_publish_and_cancel(hr, client):
    day = f.session_day()
    session = f.SessionFactory(district=hr.district, status="draft")
    published = client.post(f"{SESSIONS}{session.pk}/publish/", {}, format="json")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert client.post(f"{SESSIONS}{session.pk}/publish/", {}, format="json").status_code == 422
    person = f.EnrollmentFactory(session=session).civil_servant
    later = f.next_working_day(day, days=2)
    meeting = session.meetings.get()
    moved = client.patch(
        f"{SESSIONS}{session.pk}/",
        {
            "capacity": 25,
            "meetings": [{**_meeting(later, session.venue, 9, 12), "id": meeting.pk}],
            "override_reason": "pindah",
        },
        format="json",
    )
    assert moved.status_code == 200, moved.content
    session.refresh_from_db()
    assert session.capacity == 25 and session.start == f.at(later, 9)
    assert session.meetings.get().pk == meeting.pk
    assert AuditEntry.objects.filter(session=session, action=AuditEntry.Action.RESCHEDULED).exists()
    refused = client.post(f"{SESSIONS}{session.pk}/cancel/", {"reason": ""}, format="json")
    assert refused.status_code == 400
    cancelled = client.post(
        f"{SESSIONS}{session.pk}/cancel/", {"reason": "Narasumber sakit"}, format="json"
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert Enrollment.objects.get(civil_servant=person).session.status == "cancelled"
    assert (
        client.patch(f"{SESSIONS}{session.pk}/", {"capacity": 30}, format="json").status_code == 422
    )


def test_hr_of_another_district_cannot_write_sessions(hr):
    session = f.SessionFactory(district=hr.district, status="draft")
    outsider = client_with(token_for(f.hr_officer(f.district("plaju")).user))
    assert outsider.post(f"{SESSIONS}{session.pk}/publish/", {}, format="json").status_code == 404
    assert (
        outsider.patch(f"{SESSIONS}{session.pk}/", {"capacity": 3}, format="json").status_code
        == 404
    )
    body = {
        "program": session.program_id,
        "capacity": 5,
        "meetings": [_meeting(f.session_day(), session.venue)],
    }
    assert outsider.post(SESSIONS, body, format="json").status_code == 404


def test_moments_out_of_range_are_refused_not_a_500(hr, client):
    program = f.ProgramFactory(district=hr.district)
    venue = f.VenueFactory(district=hr.district)
    body = {
        "program": program.pk,
        "capacity": 5,
        "meetings": [
            {"start": "0001-01-01T00:00:00Z", "end": "9999-12-31T23:59:59Z", "venue": venue.pk}
        ],
    }
    assert client.post(SESSIONS, body, format="json").status_code == 400
