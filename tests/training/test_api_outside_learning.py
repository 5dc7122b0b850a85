"""Verified outside learning in the API's completion records (for SIASN)."""

import datetime

import pytest
from django.utils import timezone

from tests import factories as f
from tests.training.api_helpers import client_with, token_for, verified_claim

pytestmark = pytest.mark.django_db

RECORDS = "/api/v1/completion-records/"


def test_a_verified_claim_is_exported_as_outside_learning():
    hr = f.hr_officer(f.district("mulyorejo"))
    person = f.CivilServantFactory(district=hr.district)
    trained = f.CompletionRecordFactory(civil_servant=person)
    record = verified_claim(person, hr, jp=8)
    since = (timezone.now() - datetime.timedelta(minutes=5)).isoformat()
    client = client_with(token_for(hr.user, scope="read"))
    rows = {
        row["id"]: row for row in client.get(RECORDS, {"updated_since": since}).json()["results"]
    }
    assert set(rows) == {trained.pk, record.pk}
    outside = rows[record.pk]
    assert outside["kind"] == "outside_learning"
    assert outside["program"] is None and outside["program_code"] is None
    assert outside["session"] is None and outside["start"] is None
    assert outside["jp_credited"] == 8 and outside["nip"] == person.nip
    assert outside["outside_learning"]["title"] == "Seminar Pelayanan Publik"
    assert outside["outside_learning"]["institution"] == "Universitas Airlangga"
    assert outside["outside_learning"]["method"] == "seminar"
    assert outside["outside_learning"]["method_label"]
    assert rows[trained.pk]["kind"] == "program"
    assert rows[trained.pk]["outside_learning"] is None
    assert rows[trained.pk]["program_code"] == trained.program.code


def test_another_districts_outside_learning_is_not_exported():
    hr = f.hr_officer(f.district("mulyorejo"))
    record = verified_claim(f.CivilServantFactory(district=hr.district), hr)
    outsider = f.hr_officer(f.district("plaju"))
    client = client_with(token_for(outsider.user, scope="read"))
    assert client.get(RECORDS).json()["count"] == 0
    assert client.get(f"{RECORDS}{record.pk}/").status_code == 404
