"""The REST API: tokens, scoping, bulk upsert of people, problem details, enrolment."""

import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from districts.models import CivilServant
from tests import factories as f
from tests.training.api_helpers import client_with, person_row, token_for
from training.models import ApiToken, AuditEntry, Enrollment

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"
BULK = "/api/v1/people/bulk/"


@pytest.fixture
def a():
    return f.district("mulyorejo")


@pytest.fixture
def b():
    return f.district("plaju")


@pytest.fixture
def hr_a(a):
    return f.hr_officer(a)


@pytest.fixture
def unit(a):
    return f.WorkUnitFactory(district=a, code="KEC", name="Kantor Kecamatan")


# --- Tokens --------------------------------------------------------------------


def test_a_token_is_stored_only_as_its_digest(hr_a):
    raw = token_for(hr_a.user)
    token = ApiToken.objects.get()
    assert raw.startswith("asn_") and len(raw) > 40
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.values_list().get()]
    assert not any(raw in value for value in stored)
    assert raw[:10] == token.prefix


def test_a_token_reads_as_its_owner_and_its_use_is_recorded(hr_a):
    raw = token_for(hr_a.user)
    response = client_with(raw).get(PEOPLE)
    assert response.status_code == 200
    assert [row["nip"] for row in response.json()["results"]] == [hr_a.nip]
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("what", ["expired", "revoked", "unknown", "inactive owner"])
def test_expired_revoked_unknown_tokens_are_refused(hr_a, what):
    raw = token_for(hr_a.user)
    token = ApiToken.objects.get()
    if what == "expired":
        ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif what == "revoked":
        from training.services import api_tokens

        api_tokens.revoke_token(token=token, actor=hr_a.user, now=timezone.now())
    elif what == "unknown":
        raw = raw[:-4] + "AAAA"
    else:
        hr_a.user.is_active = False
        hr_a.user.save()
    response = client_with(raw).get(PEOPLE)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401 and body["title"] == "Belum masuk"
    assert "token" in body["detail"].lower()


def test_a_read_only_token_may_not_write(hr_a, unit):
    raw = token_for(hr_a.user, scope="read")
    response = client_with(raw).post(
        BULK, {"district": "mulyorejo", "rows": [person_row(1)]}, format="json"
    )
    assert response.status_code == 403
    assert "hanya" in response.json()["detail"]
    assert not CivilServant.objects.filter(nip=person_row(1)["nip"]).exists()


def test_anonymous_is_refused_in_problem_format():
    response = client_with(None).get(PEOPLE)
    assert response.status_code == 401
    assert response.json()["type"] == "about:blank"


def test_the_web_session_works_with_csrf(client, hr_a, unit):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(hr_a.user)
    assert strict.get(PEOPLE).status_code == 200
    body = {"district": "mulyorejo", "rows": [person_row(1)], "dry_run": True}
    refused = strict.post(BULK, body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    strict.get(reverse("training:hr-tokens"))  # sets the CSRF cookie
    token = strict.cookies["csrftoken"].value
    ok = strict.post(BULK, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert ok.status_code == 200, ok.content


# --- Scoping -------------------------------------------------------------------


def test_another_districts_person_is_404_and_never_listed(hr_a, b):
    stranger = f.CivilServantFactory(district=b)
    mine = f.CivilServantFactory(district=hr_a.district)
    client = client_with(token_for(hr_a.user))
    nips = {row["nip"] for row in client.get(PEOPLE).json()["results"]}
    assert mine.nip in nips and stranger.nip not in nips
    response = client.get(f"{PEOPLE}{stranger.pk}/")
    assert response.status_code == 404
    assert response.json()["detail"]  # Indonesian, from DRF's catalogue
    assert client.get(f"{PEOPLE}{mine.pk}/").status_code == 200
    assert client.get(f"{PEOPLE}?nip={stranger.nip}").json()["count"] == 0


def test_an_asn_token_sees_only_themself():
    person = f.CivilServantFactory()
    other = f.CivilServantFactory(district=person.district)
    client = client_with(token_for(person.user))
    assert [row["nip"] for row in client.get(PEOPLE).json()["results"]] == [person.nip]
    assert client.get(f"{PEOPLE}{other.pk}/").status_code == 404
    assert client.get("/api/v1/districts/").json()["count"] == 0


def test_lists_are_paginated_and_filtered(hr_a, unit):
    for _n in range(3):
        f.CivilServantFactory(district=hr_a.district, work_unit=unit)
    client = client_with(token_for(hr_a.user))
    body = client.get(f"{PEOPLE}?page_size=2").json()
    assert body["count"] == 4
    assert client.get(f"{PEOPLE}?work_unit=KEC").json()["count"] == 3
    bad = client.get(f"{PEOPLE}?page=99")
    assert bad.status_code == 404 and bad["Content-Type"] == "application/problem+json"
    invalid = client.get("/api/v1/completion-records/?updated_since=kemarin")
    assert invalid.status_code == 400
    assert "updated_since" in invalid.json()["errors"]


# --- Bulk upsert of people -----------------------------------------------------


def test_bulk_upsert_creates_then_is_idempotent_and_audited(hr_a, unit):
    client = client_with(token_for(hr_a.user, name="SIMPEG Mulyorejo"))
    rows = [person_row(1), person_row(2, boss=person_row(1)["nip"]), person_row(3)]
    first = client.post(BULK, {"district": "mulyorejo", "rows": rows}, format="json")
    assert first.status_code == 200, first.content
    assert first.json()["counts"] == {"create": 3, "update": 0, "reject": 0}
    assert first.json()["written"] is True
    snapshot = list(
        CivilServant.objects.order_by("nip").values("nip", "name", "supervisor_id", "rank")
    )
    second = client.post(BULK, {"district": "mulyorejo", "rows": rows}, format="json")
    assert second.json()["counts"] == {"create": 0, "update": 3, "reject": 0}
    assert snapshot == list(
        CivilServant.objects.order_by("nip").values("nip", "name", "supervisor_id", "rank")
    )
    assert CivilServant.objects.count() == 4
    audit = AuditEntry.objects.filter(action=AuditEntry.Action.API_WRITE)
    assert audit.count() == 2
    assert "SIMPEG Mulyorejo" in audit.first().detail


def test_bulk_upsert_dry_run_writes_nothing(hr_a, unit):
    client = client_with(token_for(hr_a.user))
    response = client.post(
        BULK, {"district": "mulyorejo", "dry_run": True, "rows": [person_row(1)]}, format="json"
    )
    assert response.json()["counts"]["create"] == 1
    assert response.json()["written"] is False
    assert not CivilServant.objects.filter(nip=person_row(1)["nip"]).exists()


def test_a_bad_row_gives_its_number_and_reason_and_nothing_is_written(hr_a, unit):
    client = client_with(token_for(hr_a.user))
    rows = [person_row(1), person_row(2, work_unit="NOWHERE"), person_row(3, asn_type="X")]
    response = client.post(BULK, {"district": "mulyorejo", "rows": rows}, format="json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert [row["row"] for row in body["rows"]] == [2, 3]
    assert body["rows"][0]["errors"][0]["column"] == "Unit Kerja"
    assert "NOWHERE" in body["rows"][0]["errors"][0]["message"]
    assert not CivilServant.objects.filter(nip=person_row(1)["nip"]).exists()

    partial = client.post(
        BULK, {"district": "mulyorejo", "rows": rows, "good_rows_only": True}, format="json"
    )
    assert partial.status_code == 200
    assert partial.json()["counts"] == {"create": 1, "update": 0, "reject": 2}
    assert CivilServant.objects.filter(nip=person_row(1)["nip"]).exists()


def test_bulk_upsert_into_another_district_is_404(hr_a, b):
    f.WorkUnitFactory(district=b, code="KEC")
    client = client_with(token_for(hr_a.user))
    response = client.post(BULK, {"district": "plaju", "rows": [person_row(1)]}, format="json")
    assert response.status_code == 404


def test_a_person_of_another_district_cannot_be_taken_over(hr_a, b, unit):
    stranger = f.CivilServantFactory(district=b)
    client = client_with(token_for(hr_a.user))
    row = person_row(1, nip=stranger.nip, birth_date=f"{stranger.birth_date:%d-%m-%Y}")
    response = client.post(BULK, {"district": "mulyorejo", "rows": [row]}, format="json")
    assert response.status_code == 422
    assert CivilServant.objects.get(pk=stranger.pk).district == b


def test_a_malformed_body_is_a_problem_not_a_500(hr_a):
    client = client_with(token_for(hr_a.user))
    response = client.post(BULK, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    missing = client.post(BULK, {"rows": []}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()["errors"]) == {"district", "rows"}


def test_a_too_large_body_is_refused(hr_a, settings):
    settings.API_MAX_REQUEST_BYTES = 1000
    client = client_with(token_for(hr_a.user))
    rows = [person_row(n) for n in range(20)]
    response = client.post(BULK, {"district": "mulyorejo", "rows": rows}, format="json")
    assert response.status_code == 413
    assert response.json()["status"] == 413


def test_a_body_past_the_sites_form_limit_but_within_the_apis_is_read(hr_a, unit, settings):
    # The site's forms stop at DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB); a bulk
    # call of 10,000 people is about 3 MB, within API_MAX_REQUEST_BYTES.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = client_with(token_for(hr_a.user))
    rows = [person_row(n) for n in range(1, 21)]
    response = client.post(BULK, {"district": "mulyorejo", "rows": rows}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["counts"] == {"create": 20, "update": 0, "reject": 0}


def test_rate_limit_answers_429_with_retry_after(hr_a, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK}
    from rest_framework.settings import api_settings

    from training.api.throttling import TokenRateThrottle

    original = TokenRateThrottle.THROTTLE_RATES
    TokenRateThrottle.THROTTLE_RATES = {"api": "3/minute"}
    try:
        client = client_with(token_for(hr_a.user))
        other = client_with(token_for(hr_a.user, name="other"))
        codes = [client.get(PEOPLE).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = client.get(PEOPLE)
        assert int(limited["Retry-After"]) > 0
        assert limited["Content-Type"] == "application/problem+json"
        assert other.get(PEOPLE).status_code == 200  # per token
    finally:
        TokenRateThrottle.THROTTLE_RATES = original
        api_settings.reload()


# --- Enrolment, completion records, conflicts ----------------------------------


def test_hr_enrols_and_cancels_through_the_service_audited(hr_a):
    session = f.SessionFactory(district=hr_a.district, capacity=1)
    person, second = (
        f.CivilServantFactory(district=hr_a.district),
        f.CivilServantFactory(district=hr_a.district),
    )
    client = client_with(token_for(hr_a.user, name="Roster"))
    made = client.post(
        "/api/v1/enrolments/", {"session": session.pk, "civil_servant": person.pk}, format="json"
    )
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "approved"
    waiting = client.post(
        "/api/v1/enrolments/", {"session": session.pk, "civil_servant": second.pk}, format="json"
    )
    assert waiting.json()["status"] == "waitlisted"
    again = client.post(
        "/api/v1/enrolments/", {"session": session.pk, "civil_servant": person.pk}, format="json"
    )
    assert again.status_code == 422 and again.json()["errors"]["code"] == "already_enrolled"
    cancelled = client.post(f"/api/v1/enrolments/{made.json()['id']}/cancel/", {}, format="json")
    assert cancelled.json()["status"] == "cancelled"
    assert Enrollment.objects.get(civil_servant=second).status == "approved"  # promoted
    writes = AuditEntry.objects.filter(action=AuditEntry.Action.API_WRITE)
    assert [entry.detail.startswith("API, token “Roster”") for entry in writes] == [True] * 3


def test_hr_of_another_district_cannot_enrol_here(hr_a, b):
    session = f.SessionFactory(district=hr_a.district)
    person = f.CivilServantFactory(district=hr_a.district)
    outsider = f.hr_officer(b)
    response = client_with(token_for(outsider.user)).post(
        "/api/v1/enrolments/", {"session": session.pk, "civil_servant": person.pk}, format="json"
    )
    assert response.status_code == 404


def test_completion_records_since_a_moment(hr_a):
    person = f.CivilServantFactory(district=hr_a.district)
    record = f.CompletionRecordFactory(civil_servant=person, certificate_number="001/X/2026")
    client = client_with(token_for(hr_a.user, scope="read"))
    since = (timezone.now() - datetime.timedelta(minutes=5)).isoformat()
    rows = client.get("/api/v1/completion-records/", {"updated_since": since}).json()["results"]
    assert [row["id"] for row in rows] == [record.pk]
    assert rows[0]["nip"] == person.nip
    assert rows[0]["certificate_number"] == "001/X/2026"
    assert set(rows[0]) >= {"program_code", "completion_date", "jp_credited", "passed", "start"}
    later = (timezone.now() + datetime.timedelta(minutes=5)).isoformat()
    assert client.get("/api/v1/completion-records/", {"updated_since": later}).json()["count"] == 0


def test_conflicts_of_a_person_and_a_session(hr_a):
    person = f.CivilServantFactory(district=hr_a.district)
    session = f.SessionFactory(district=hr_a.district)
    f.EnrollmentFactory(session=session, civil_servant=person)
    f.ScheduleEntryFactory(civil_servant=person, start=session.start, end=session.end)
    client = client_with(token_for(hr_a.user))
    mine = client.get(f"{PEOPLE}{person.pk}/conflicts/").json()
    assert [item["kind"] for item in mine] == ["duty_shift"]
    assert client.get(f"/api/v1/sessions/{session.pk}/conflicts/").json()[0]["person_id"] == (
        person.pk
    )


# --- Bulk upsert of schedule entries -------------------------------------------

ROSTER = "/api/v1/schedule-entries/bulk/"


def _shift(external_id, person, start, hours=7, **changes):
    end = start + datetime.timedelta(hours=hours)
    row = {
        "external_id": external_id,
        "nip": person.nip,
        "kind": "Shift dinas",
        "start": f"{start:%Y-%m-%dT%H:%M}",
        "end": f"{end:%Y-%m-%dT%H:%M}",
        "note": "Loket",
    }
    row.update(changes)
    return row


def test_schedule_upsert_by_external_id_is_idempotent_and_rechecks_clashes(hr_a, monkeypatch):
    from training.services import reminders

    rechecked = []
    monkeypatch.setattr(
        reminders, "queue_people_recheck", lambda ids, now=None: rechecked.append(sorted(set(ids)))
    )
    person = f.CivilServantFactory(district=hr_a.district)
    day = f.session_day()
    morning = datetime.datetime.combine(day, datetime.time(7))
    rows = [_shift("R-1", person, morning), _shift("R-2", person, morning.replace(hour=14))]
    client = client_with(token_for(hr_a.user, name="Roster"))
    first = client.post(ROSTER, {"district": "mulyorejo", "rows": rows}, format="json")
    assert first.status_code == 200, first.content
    assert first.json()["counts"] == {"create": 2, "update": 0, "reject": 0}
    again = client.post(ROSTER, {"district": "mulyorejo", "rows": rows}, format="json")
    assert again.json()["counts"] == {"create": 0, "update": 2, "reject": 0}
    assert person.schedule_entries.count() == 2
    moved = [_shift("R-1", person, morning.replace(hour=8))]
    client.post(ROSTER, {"district": "mulyorejo", "rows": moved}, format="json")
    entry = person.schedule_entries.get(external_id="R-1")
    assert timezone.localtime(entry.start, f.JAKARTA).hour == 8
    assert rechecked == [[person.pk]] * 3
    listed = client.get("/api/v1/schedule-entries/", {"external_id": "R-2"}).json()["results"]
    assert [row["external_id"] for row in listed] == ["R-2"]


def test_a_bad_schedule_row_gives_its_number_and_reason(hr_a):
    person = f.CivilServantFactory(district=hr_a.district)
    stranger = f.CivilServantFactory(district=f.district("plaju"))
    morning = datetime.datetime.combine(f.session_day(), datetime.time(7))
    rows = [
        _shift("R-1", person, morning),
        _shift("R-2", stranger, morning),
        _shift("R-1", person, morning.replace(hour=14)),
        _shift("R-4", person, morning, kind="tidur"),
    ]
    client = client_with(token_for(hr_a.user))
    response = client.post(ROSTER, {"district": "mulyorejo", "rows": rows}, format="json")
    assert response.status_code == 422
    rejected = {row["row"]: row["errors"] for row in response.json()["rows"]}
    assert set(rejected) == {2, 3, 4}
    assert rejected[2][0]["column"] == "NIP"
    assert "baris 1" in rejected[3][0]["message"]
    assert not person.schedule_entries.exists()


@pytest.mark.parametrize(
    "moment",
    ["1175-02-09T04:04:34.9-17:10", "2026-12-07T08:00:00+15:00", "0001-01-01T00:00:00+07:00"],
)
def test_a_moment_no_zone_or_year_has_is_refused_at_the_filter(hr_a, moment):
    # Found by schemathesis on PostgreSQL: an offset beyond ±14 h answered 500.
    response = client_with(token_for(hr_a.user)).get(
        "/api/v1/schedule-entries/", {"start_after": moment}
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "start_after" in response.json()["errors"]
