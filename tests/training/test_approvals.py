"""The approval queue: supervisors' and HR's, with context, filters and bulk decisions."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    CivilServantFactory,
    CompletionRecordFactory,
    EnrollmentFactory,
    ScheduleEntryFactory,
    SessionFactory,
    district,
    hr_officer,
)
from tests.training.selfservice_helpers import days_ahead

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss():
    return CivilServantFactory(name="Irfan Lubis")


def _request(boss, name, *, start=None, **session):
    person = CivilServantFactory(supervisor=boss, name=name)
    return EnrollmentFactory(
        civil_servant=person,
        status="requested",
        session=SessionFactory(
            start=start or days_ahead(9, 8), program__requires_supervisor_approval=True, **session
        ),
    )


def _rows(response):
    return {row["enrollment"].civil_servant.name: row for row in response.context["rows"]}


def test_supervisor_queue_shows_clash_seats_left_and_jp_shortfall(client, boss):
    clashing = _request(boss, "Dewi", capacity=3)
    CompletionRecordFactory(
        civil_servant=clashing.civil_servant,
        jp_credited=8,
        completion_date=clashing.session.start.date().replace(month=1, day=2),
    )
    ScheduleEntryFactory(
        civil_servant=clashing.civil_servant,
        start=clashing.session.start,
        end=clashing.session.end,
        note="Shift loket",
    )
    EnrollmentFactory(session=clashing.session)  # one more seat taken
    _request(boss, "Budi")
    _request(CivilServantFactory(), "Bukan bawahan")  # another supervisor's report
    client.force_login(boss.user)

    response = client.get(reverse("training:approvals"))

    rows = _rows(response)
    assert sorted(rows) == ["Budi", "Dewi"]
    assert (rows["Dewi"]["seats_left"], rows["Dewi"]["jp_missing"]) == (1, 12)
    assert [c.other_label for c in rows["Dewi"]["clashes"]] == ["Shift loket"]
    assert rows["Budi"]["clashes"] == []
    item = re.search(
        rf'data-enrollment="{clashing.pk}">(.*?)</li>\s*</ul>', response.content.decode(), re.S
    ).group(1)
    text = " ".join(re.sub(r"<[^>]+>", " ", item).split())
    assert "1 kursi tersisa" in text
    assert "kurang 12 JP dari target tahun ini" in text
    assert "Bentrok jadwal" in text and "Shift loket" in text


def test_queue_filters_by_name_and_by_clash(client, boss):
    clashing = _request(boss, "Dewi Lestari")
    ScheduleEntryFactory(
        civil_servant=clashing.civil_servant, start=clashing.session.start, end=clashing.session.end
    )
    _request(boss, "Budi Santoso")
    client.force_login(boss.user)

    by_name = client.get(reverse("training:approvals"), {"q": "budi"})
    by_clash = client.get(reverse("training:approvals"), {"clash_only": "on"})

    assert (sorted(_rows(by_name)), sorted(_rows(by_clash))) == (["Budi Santoso"], ["Dewi Lestari"])


def test_bulk_approve_decides_only_the_ticked_requests(client, boss):
    first, second, third = (_request(boss, name) for name in ("A", "B", "C"))
    client.force_login(boss.user)

    response = client.post(
        reverse("training:approvals"),
        {"requests": [first.pk, second.pk], "decision": "approve", "note": ""},
        follow=True,
    )

    statuses = [e.status for e in (first, second, third) if not e.refresh_from_db()]
    assert statuses == ["approved", "approved", "requested"]
    assert [str(m) for m in response.context["messages"]] == ["2 permohonan disetujui."]


def test_bulk_reject_needs_a_reason_at_the_field(client, boss):
    first, second = _request(boss, "A"), _request(boss, "B")
    client.force_login(boss.user)
    url = reverse("training:approvals")

    refused = client.post(url, {"requests": [first.pk, second.pk], "decision": "reject"})
    first.refresh_from_db()
    rejected = client.post(
        url, {"requests": [first.pk], "decision": "reject", "note": "Beban kerja"}
    )

    assert refused.status_code == 200
    assert refused.context["decision"].errors["note"] == ["Berikan alasan penolakan permohonan."]
    assert first.status == "requested"
    assert rejected.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.decision_note, second.status) == (
        "rejected",
        "Beban kerja",
        "requested",
    )


def test_bulk_decision_cannot_reach_another_supervisors_request(client, boss):
    _request(boss, "Bawahan sendiri")
    foreign = _request(CivilServantFactory(), "Lain")
    client.force_login(boss.user)

    response = client.post(
        reverse("training:approvals"), {"requests": [foreign.pk], "decision": "approve"}
    )

    foreign.refresh_from_db()
    assert foreign.status == "requested"
    assert "requests" in response.context["decision"].errors


def test_queue_is_404_for_someone_without_reports(client):
    client.force_login(CivilServantFactory().user)

    assert client.get(reverse("training:approvals")).status_code == 404


def test_hr_queue_holds_their_districts_requests_and_the_home_links_to_it(client):
    officer = hr_officer(district("mulyorejo"))
    mine = _request(CivilServantFactory(), "Warga Mulyorejo")
    plaju = district("plaju")
    _request(CivilServantFactory(district=plaju), "Warga Plaju", district=plaju)
    client.force_login(officer.user)

    queue = client.get(reverse("training:hr-approvals"))
    home = client.get(reverse("home")).content.decode()
    approved = client.post(
        reverse("training:hr-approvals"), {"requests": [mine.pk], "decision": "approve"}
    )

    assert sorted(_rows(queue)) == ["Warga Mulyorejo"]
    assert re.search(r'href="/kepegawaian/persetujuan/" id="home-hr-requests"', home)
    assert approved.status_code == 302
    mine.refresh_from_db()
    assert mine.status == "approved"


def test_queue_takes_the_same_number_of_queries_for_more_requests(client, boss):
    client.force_login(boss.user)
    url = reverse("training:approvals")
    for name in ("A", "B"):
        _request(boss, name)
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    for name in ("C", "D", "E", "F"):
        _request(boss, name)
    with CaptureQueriesContext(connection) as six:
        response = client.get(url)

    assert len(response.context["rows"]) == 6
    assert len(six) == len(two)
