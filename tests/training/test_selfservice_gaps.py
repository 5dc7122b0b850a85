"""Self-service gaps: reads through the one scoping mechanism, the feed token made only by
POST, absolute links on PORTAL_BASE_URL, and a session's length in JP."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from districts.scoping import scope_for
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
from training.selfservice import selectors

# Sessions a few days from today: the tests decide which of those days are holidays.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_shipped_holidays")]

PUBLIC = "https://pelatihan.example.go.id"


@pytest.fixture
def person(client):
    person = CivilServantFactory(name="Siti Rahma")
    client.force_login(person.user)
    return person


@pytest.fixture
def behind_a_proxy(settings):
    """The portal's public address differs from the host the request came through."""
    settings.PORTAL_BASE_URL = PUBLIC
    settings.PORTAL_BASE_URL_SET = True
    settings.ALLOWED_HOSTS = ["testserver", "proxy.internal"]


def test_selectors_read_an_hr_officer_own_rows_only():
    officer = hr_officer(district("mulyorejo"))
    colleague = CivilServantFactory(district=officer.district)
    mine = EnrollmentFactory(civil_servant=officer, session__start=days_ahead(5))
    EnrollmentFactory(civil_servant=colleague, session__start=days_ahead(6))
    own_entry = ScheduleEntryFactory(
        civil_servant=officer, start=days_ahead(5, 13), end=days_ahead(5, 15)
    )
    ScheduleEntryFactory(civil_servant=colleague, start=days_ahead(5, 13), end=days_ahead(5, 15))
    CompletionRecordFactory(civil_servant=officer, jp_credited=8)
    CompletionRecordFactory(civil_servant=colleague, jp_credited=5)
    scope = scope_for(officer.user)
    now = timezone.now()

    groups = selectors.my_training(scope, now=now)
    entries, enrollments = selectors.week_entries(
        scope, start=days_ahead(4, 0), end=days_ahead(8, 0)
    )

    assert groups["upcoming"] == [mine]
    assert [record.civil_servant_id for record in groups["completed"]] == [officer.pk]
    assert [(row["jp"], row["count"]) for row in selectors.jp_history(scope)] == [(8, 1)]
    assert (entries, enrollments) == ([own_entry], [mine])
    assert list(selectors.own_upcoming_entries(scope, now=now)) == [own_entry]
    assert selectors.current_enrollment(scope, mine.session) == mine


def test_session_page_of_a_session_only_another_person_is_enrolled_in_is_404(client, person):
    other = EnrollmentFactory(session__status="completed", session__start=days_ahead(-9))
    own = EnrollmentFactory(
        civil_servant=person,
        session__status="completed",
        session__start=days_ahead(-8),
        session__program__title="Riwayat Saya",
    )

    other_page = client.get(reverse("training:session", args=[other.session.pk]))
    own_page = client.get(reverse("training:session", args=[own.session.pk]))

    assert other_page.status_code == 404
    assert own_page.status_code == 200
    assert "Riwayat Saya" in own_page.content.decode()


def test_schedule_page_get_does_not_create_the_feed_token(client, person):
    response = client.get(reverse("training:schedule"))

    person.refresh_from_db()
    assert person.calendar_token == ""
    assert "Buat alamat kalender saya" in response.content.decode()
    assert response.context["feed_url"] == ""


def test_feed_token_is_made_by_post_then_shown(client, person, behind_a_proxy):
    made = client.post(reverse("training:calendar_reset"), follow=True)
    person.refresh_from_db()

    page = client.get(reverse("training:schedule"), HTTP_HOST="proxy.internal")

    assert len(person.calendar_token) >= 40
    assert "Alamat kalender pribadi Anda sudah siap." in made.content.decode()
    assert page.context["feed_url"] == f"{PUBLIC}/kalender/{person.calendar_token}.ics"
    assert page.context["webcal_url"] == (
        f"webcal://pelatihan.example.go.id/kalender/{person.calendar_token}.ics"
    )
    assert "proxy.internal" not in page.content.decode()


def test_certificate_qr_link_uses_portal_base_url(client, person, behind_a_proxy):
    record = CompletionRecordFactory(
        civil_servant=person,
        certificate_number="007/BKPSDM-MUL/2026",
        participant_name="Siti Rahma, S.E.",
        participant_nip=person.nip,
    )

    response = client.get(
        reverse("training:certificate", args=[record.pk]), HTTP_HOST="proxy.internal"
    )

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = text.replace(" ", "").replace("\n", "")
    assert f"{PUBLIC}/verifikasi/{record.verification_code}/" in text
    assert "proxy.internal" not in text


@pytest.mark.parametrize(("minutes_per_jp", "expected"), [(45, "5,3"), (60, "4,0")])
def test_session_page_shows_length_in_jp(client, person, settings, minutes_per_jp, expected):
    settings.MINUTES_PER_JP = minutes_per_jp
    start = days_ahead(10)
    session = SessionFactory(
        district=person.district, start=start, end=start + datetime.timedelta(hours=4)
    )

    response = client.get(reverse("training:session", args=[session.pk]))

    assert f"(lama sesi: {expected} JP)" in response.content.decode()
