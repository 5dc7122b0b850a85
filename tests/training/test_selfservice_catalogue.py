"""Catalogue and session page: what a person sees, their clashes, and enrolling from it."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    CivilServantFactory,
    EnrollmentFactory,
    HolidayFactory,
    ScheduleEntryFactory,
    SessionFactory,
    district,
)
from tests.training.selfservice_helpers import days_ahead
from training.models import Enrollment

# Sessions a few days from today: the tests decide which of those days are holidays.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_shipped_holidays")]


@pytest.fixture
def person(client):
    person = CivilServantFactory()
    client.force_login(person.user)
    return person


def _titles(response):
    return [s.program.title for s in response.context["sessions"]]


def test_catalogue_lists_own_district_and_open_programs_only(client, person):
    SessionFactory(start=days_ahead(10), program__title="Mine")
    SessionFactory(
        start=days_ahead(11),
        district=district("plaju"),
        program__title="Open elsewhere",
        program__open_to_other_districts=True,
    )
    SessionFactory(start=days_ahead(12), district=district("plaju"), program__title="Closed")
    SessionFactory(start=days_ahead(13), program__title="Draft", status="draft")
    SessionFactory(start=days_ahead(-3), program__title="Past")

    response = client.get(reverse("training:catalogue"))

    assert response.status_code == 200
    assert _titles(response) == ["Mine", "Open elsewhere"]
    assert "WIB" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=excel", ["Excel untuk ASN"]),
        ("competency_kind=manajerial", ["Kepemimpinan"]),
        ("form=nonklasikal", ["Kepemimpinan"]),
        ("with_seats=on", ["Excel untuk ASN"]),
    ],
    ids=["title", "kind", "form", "seats_left"],
)
def test_catalogue_filters(client, person, query, expected):
    SessionFactory(start=days_ahead(10), program__title="Excel untuk ASN")
    full = SessionFactory(
        start=days_ahead(12),
        capacity=1,
        program__title="Kepemimpinan",
        program__competency_kind="manajerial",
        program__form="nonklasikal",
    )
    EnrollmentFactory(session=full)

    response = client.get(reverse("training:catalogue") + "?" + query)

    assert _titles(response) == expected


def test_catalogue_filter_by_month_and_district(client, person):
    SessionFactory(start=days_ahead(5), program__title="Soon")
    later = SessionFactory(start=days_ahead(70), program__title="Later")
    month = later.start.strftime("%Y-%m")

    response = client.get(
        reverse("training:catalogue"), {"month": month, "district": later.district_id}
    )

    assert _titles(response) == ["Later"]


def test_catalogue_marks_clashing_cards(client, person):
    clash = SessionFactory(start=days_ahead(10), program__title="Clash")
    SessionFactory(start=days_ahead(11), program__title="Free")
    ScheduleEntryFactory(civil_servant=person, start=days_ahead(10, 7), end=days_ahead(10, 9))

    response = client.get(reverse("training:catalogue"))

    assert {s.program.title: s.clashes for s in response.context["sessions"]} == {
        "Clash": True,
        "Free": False,
    }
    assert response.content.decode().count("clash-badge") == 1
    assert response.context["sessions"][0].pk == clash.pk


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("duty_shift", "Shift dinas"),
        ("leave", "Cuti"),
        ("official_travel", "Perjalanan dinas"),
    ],
)
def test_session_page_names_schedule_conflict(client, person, kind, label):
    session = SessionFactory(start=days_ahead(10))
    ScheduleEntryFactory(
        civil_servant=person,
        kind=kind,
        leave_type="tahunan" if kind == "leave" else "",
        start=days_ahead(10, 7),
        end=days_ahead(10, 9),
        note="Loket pelayanan",
    )

    response = client.get(reverse("training:session", args=[session.pk]))

    conflicts = response.context["conflicts"]
    assert [c.kind for c in conflicts] == [kind]
    assert label in response.content.decode()
    assert "Loket pelayanan" in response.content.decode()


def test_session_page_names_other_enrolment_and_holiday(client, person):
    session = SessionFactory(start=days_ahead(10))
    other = SessionFactory(start=days_ahead(10, 10), program__title="Sesi lain")
    EnrollmentFactory(session=other, civil_servant=person)
    HolidayFactory(date=days_ahead(10).date(), name="Hari Libur Uji")

    response = client.get(reverse("training:session", args=[session.pk]))

    assert sorted(c.kind for c in response.context["conflicts"]) == ["enrollment", "holiday"]
    assert "Sesi lain" in response.content.decode()
    assert "Hari Libur Uji" in response.content.decode()


def test_session_page_back_to_back_is_no_conflict(client, person):
    session = SessionFactory(start=days_ahead(10, 8))
    ScheduleEntryFactory(civil_servant=person, start=days_ahead(10, 4), end=days_ahead(10, 8))
    ScheduleEntryFactory(civil_servant=person, start=days_ahead(10, 12), end=days_ahead(10, 16))

    response = client.get(reverse("training:session", args=[session.pk]))

    assert response.context["conflicts"] == []
    assert "Tidak bentrok dengan jadwal Anda." in response.content.decode()


def test_session_page_other_district_closed_is_404(client, person):
    session = SessionFactory(start=days_ahead(10), district=district("plaju"))

    assert client.get(reverse("training:session", args=[session.pk])).status_code == 404


def test_enrol_with_clash_needs_confirmation(client, person):
    session = SessionFactory(start=days_ahead(10))
    ScheduleEntryFactory(civil_servant=person, start=days_ahead(10, 7), end=days_ahead(10, 9))
    url = reverse("training:enrol", args=[session.pk])

    refused = client.post(url, follow=True)
    accepted = client.post(url, {"confirm_clash": "1"}, follow=True)

    assert "Shift dinas" in str(list(refused.context["messages"])[0])
    assert Enrollment.objects.get(session=session, civil_servant=person).status == "approved"
    assert "Anda terdaftar" in accepted.content.decode()


def test_enrol_twice_shows_message(client, person):
    session = SessionFactory(start=days_ahead(10))
    url = reverse("training:enrol", args=[session.pk])
    client.post(url)

    response = client.post(url, follow=True)

    assert "Anda sudah terdaftar di sesi ini." in response.content.decode()
    assert Enrollment.objects.filter(session=session).count() == 1


def test_session_page_shows_waitlist_position(client, person):
    session = SessionFactory(start=days_ahead(10), capacity=1)
    EnrollmentFactory(session=session)
    EnrollmentFactory(session=session, status="waitlisted", waitlisted_at=days_ahead(-1))
    client.post(reverse("training:enrol", args=[session.pk]))

    response = client.get(reverse("training:session", args=[session.pk]))

    assert response.context["enrollment"].position == 2
    assert "Urutan 2 dalam daftar tunggu." in response.content.decode()


def test_cancel_other_persons_enrolment_is_404(client, person):
    other = EnrollmentFactory(session=SessionFactory(start=days_ahead(10)))

    response = client.post(reverse("training:cancel_enrollment", args=[other.pk]))

    other.refresh_from_db()
    assert response.status_code == 404
    assert other.status == "approved"


def test_cancel_own_enrolment_promotes_waitlist(client, person):
    session = SessionFactory(start=days_ahead(10), capacity=1)
    mine = EnrollmentFactory(session=session, civil_servant=person)
    waiting = EnrollmentFactory(session=session, status="waitlisted", waitlisted_at=days_ahead(-1))

    client.post(reverse("training:cancel_enrollment", args=[mine.pk]))

    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert (mine.status, waiting.status) == ("cancelled", "approved")


@pytest.mark.parametrize(
    ("mine_status", "others_waiting", "expected"),
    [
        (
            "approved",
            2,
            "Kursi Anda langsung diberikan kepada orang pertama di daftar tunggu (2 orang",
        ),
        ("approved", 0, "Kursi Anda dilepas untuk orang lain."),
        ("waitlisted", 0, "Anda keluar dari daftar tunggu (Anda nomor 1)."),
        ("requested", 0, "Permintaan Anda kepada atasan ditarik"),
    ],
    ids=["seat_to_waitlist", "seat_freed", "leave_waitlist", "withdraw_request"],
)
def test_cancel_asks_first_and_says_what_happens_to_the_seat(
    client, person, mine_status, others_waiting, expected
):
    session = SessionFactory(start=days_ahead(10), capacity=1)
    if mine_status != "approved":
        EnrollmentFactory(session=session)  # someone else holds the one seat
    mine = EnrollmentFactory(
        session=session,
        civil_servant=person,
        status=mine_status,
        waitlisted_at=days_ahead(-2) if mine_status == "waitlisted" else None,
    )
    for _ in range(others_waiting):
        EnrollmentFactory(session=session, status="waitlisted", waitlisted_at=days_ahead(-1))

    response = client.get(reverse("training:cancel_enrollment", args=[mine.pk]))

    mine.refresh_from_db()
    assert response.status_code == 200
    assert mine.status == mine_status  # nothing happens before the person confirms
    consequence = re.search(
        r'id="cancel-consequence">(.*?)</div>', response.content.decode(), re.S
    ).group(1)
    assert expected in " ".join(consequence.split())


def test_cancel_confirmation_of_another_persons_enrolment_is_404(client, person):
    other = EnrollmentFactory(session=SessionFactory(start=days_ahead(10)))

    response = client.get(reverse("training:cancel_enrollment", args=[other.pk]))

    assert response.status_code == 404


def test_pages_need_a_civil_servant(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())

    assert client.get(reverse("training:catalogue")).status_code == 404


def test_enrol_into_session_not_open_to_person_is_404(client, person):
    closed = SessionFactory(start=days_ahead(10), district=district("plaju"))
    draft = SessionFactory(start=days_ahead(10), status="draft")

    responses = [
        client.post(reverse("training:enrol", args=[closed.pk])).status_code,
        client.post(reverse("training:enrol", args=[draft.pk])).status_code,
        client.get(reverse("training:session", args=[draft.pk])).status_code,
    ]

    assert responses == [404, 404, 404]
    assert not Enrollment.objects.exists()


def test_catalogue_month_is_read_in_the_district_zone(client, person):
    # 03.00 WIB on the 1st is still the previous day in UTC.
    first = days_ahead(62, 3).replace(day=1)
    SessionFactory(start=first, program__title="Awal bulan")
    previous = (first.date() - datetime.timedelta(days=1)).strftime("%Y-%m")

    in_month = client.get(reverse("training:catalogue"), {"month": first.strftime("%Y-%m")})
    before = client.get(reverse("training:catalogue"), {"month": previous})

    assert (_titles(in_month), _titles(before)) == (["Awal bulan"], [])


def test_session_page_marks_resolved_conflict(client, person):
    from training.models import ConflictResolution
    from training.services import conflicts

    session = SessionFactory(start=days_ahead(10))
    enrollment = EnrollmentFactory(session=session, civil_servant=person)
    ScheduleEntryFactory(civil_servant=person, start=days_ahead(10, 7), end=days_ahead(10, 9))
    (conflict,) = conflicts.conflicts_for_session(session_id=session.pk)
    ConflictResolution.objects.create(
        enrollment=enrollment, fingerprint=conflict.fingerprint, note="Rekan menggantikan"
    )

    response = client.get(reverse("training:session", args=[session.pk]))

    assert [c.resolved for c in response.context["conflicts"]] == [True]
    assert "Sudah ditangani" in response.content.decode()


@pytest.mark.parametrize("month", ["9999-12", "1900-01", "0001-01"])
def test_catalogue_out_of_range_month_is_refused_at_the_field(client, person, month):
    SessionFactory(start=days_ahead(10), program__title="Mine")

    response = client.get(reverse("training:catalogue"), {"month": month})

    assert response.status_code == 200
    assert response.context["form"].errors["month"] == ["Bulan harus antara tahun 1970 dan 2100."]
    html = response.content.decode()
    assert 'name="month"' in html and "is-invalid" in html
    assert "Perbaiki pencarian di atas untuk melihat sesi." in html
    assert _titles(response) == []  # not every session, as if there were no filter


@pytest.mark.parametrize(
    ("status", "badge"),
    [
        ("approved", "Terdaftar"),
        ("waitlisted", "Daftar tunggu"),
        ("requested", "Menunggu persetujuan"),
    ],
    ids=["enrolled", "waitlisted", "awaiting_approval"],
)
def test_catalogue_badge_names_the_persons_own_state(client, person, status, badge):
    session = SessionFactory(start=days_ahead(10), program__title="Mine")
    EnrollmentFactory(
        session=session,
        civil_servant=person,
        status=status,
        waitlisted_at=timezone.now() if status == "waitlisted" else None,
    )

    response = client.get(reverse("training:catalogue"))

    badges = re.findall(r'class="badge [^"]*my-status">([^<]*)<', response.content.decode())
    assert badges == [badge]


@pytest.mark.parametrize(
    ("name", "target", "expected"),
    [
        ("same_site", "/saya/katalog/", "/saya/katalog/"),
        ("other_site", "https://phishing.example/login", "/saya/pelatihan/"),
        ("scheme_relative", "//phishing.example/", "/saya/pelatihan/"),
    ],
)
def test_cancel_returns_only_to_this_site(client, person, name, target, expected):
    mine = EnrollmentFactory(session=SessionFactory(start=days_ahead(10)), civil_servant=person)

    response = client.post(reverse("training:cancel_enrollment", args=[mine.pk]), {"next": target})

    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.parametrize(
    ("name", "opens", "closes", "notice"),
    [
        ("not_open_yet", 5, 9, "Pendaftaran untuk sesi ini belum dibuka."),
        ("closed", -9, -1, "Pendaftaran untuk sesi ini sudah ditutup."),
    ],
)
def test_session_page_outside_window_names_it_and_offers_no_button(
    client, person, name, opens, closes, notice
):
    session = SessionFactory(
        start=days_ahead(10),
        enrollment_opens_at=days_ahead(opens),
        enrollment_closes_at=days_ahead(closes),
    )

    page = client.get(reverse("training:session", args=[session.pk])).content.decode()

    assert notice in page
    assert 'id="enrol-button"' not in page
    assert "Pendaftaran dibuka" in page


def test_session_page_inside_window_offers_the_button(client, person):
    session = SessionFactory(
        start=days_ahead(10), enrollment_opens_at=days_ahead(-1), enrollment_closes_at=days_ahead(9)
    )

    page = client.get(reverse("training:session", args=[session.pk])).content.decode()

    assert 'id="enrol-button"' in page
    assert 'id="enrolment-window"' not in page


def test_session_page_of_a_cancelled_session_says_so_and_offers_no_cancel(client, person):
    session = SessionFactory(
        start=days_ahead(10), status="cancelled", cancel_reason="Narasumber berhalangan"
    )
    EnrollmentFactory(
        session=session, civil_servant=person, status="waitlisted", waitlisted_at=days_ahead(-2)
    )

    page = client.get(reverse("training:session", args=[session.pk])).content.decode()

    assert "Sesi ini dibatalkan oleh staf kepegawaian." in page
    assert "Alasan pembatalan: Narasumber berhalangan" in page
    assert "Batalkan pendaftaran" not in page
    assert "dalam daftar tunggu" not in page


def test_session_page_shows_a_holiday_as_its_date_not_a_midnight_range(client, person):
    from districts.localtime import format_date

    session = SessionFactory(start=days_ahead(10))
    HolidayFactory(date=days_ahead(10).date(), name="Hari Libur Uji")

    html = client.get(reverse("training:session", args=[session.pk])).content.decode()

    holiday_day = format_date(session.start, "Asia/Jakarta")
    assert f'<div class="small">{holiday_day}</div>' in html
    assert "00.00" not in html


def _catalogue_queries(client, **query) -> tuple[int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("training:catalogue"), query)
    assert response.status_code == 200
    return len(queries.captured_queries), response


def test_catalogue_is_paginated_keeps_its_filters_and_constant_queries(client, person):
    from training.selfservice.views import CATALOGUE_PAGE

    first = SessionFactory(start=days_ahead(3), program__title="Excel dasar")
    alone, _ = _catalogue_queries(client, q="excel")
    for day in range(CATALOGUE_PAGE + 2):
        SessionFactory(start=days_ahead(4 + day, 9), program=first.program, venue=first.venue)
    ScheduleEntryFactory(civil_servant=person, start=days_ahead(4, 7))  # one clashing card
    SessionFactory(start=days_ahead(5), program__title="Lain")

    many, response = _catalogue_queries(client, q="excel")

    assert many == alone
    assert len(response.context["sessions"]) == CATALOGUE_PAGE
    page = response.content.decode()
    assert f"{CATALOGUE_PAGE + 3} sesi ditemukan." in page
    assert "?q=excel&amp;page=2" in page
    rest = client.get(reverse("training:catalogue"), {"q": "excel", "page": "2"})
    assert len(rest.context["sessions"]) == 3
    assert all(s.program.title == "Excel dasar" for s in rest.context["sessions"])
    # A page past the end shows the last one, never an error.
    assert client.get(reverse("training:catalogue"), {"page": "99"}).status_code == 200
