"""My schedule (own entries, HR entries read-only) and the private calendar feed."""

import datetime

import icalendar
import pytest
from django.urls import reverse

from districts.models import ScheduleEntry
from tests.factories import (
    CivilServantFactory,
    EnrollmentFactory,
    ScheduleEntryFactory,
    SessionFactory,
)
from tests.training.selfservice_helpers import days_ahead

# Sessions a few days from today: the tests decide which of those days are holidays.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_shipped_holidays")]


@pytest.fixture
def person(client):
    person = CivilServantFactory()
    client.force_login(person.user)
    return person


def test_add_leave_stores_times_in_person_zone(client, person):
    day = days_ahead(3).date()

    response = client.post(
        reverse("training:schedule_add"),
        {
            "kind": "leave",
            "leave_type": "tahunan",
            "start": f"{day}T07:30",
            "end": f"{day}T16:00",
            "note": "Cuti keluarga",
        },
    )

    entry = ScheduleEntry.objects.get(civil_servant=person)
    assert response.status_code == 302
    assert (entry.kind, entry.leave_type, entry.source) == ("leave", "tahunan", "self")
    assert entry.start == datetime.datetime.combine(
        day, datetime.time(7, 30), tzinfo=person.district.tzinfo
    )
    assert entry.entered_by == person.user


def test_add_leave_without_type_is_refused_at_field(client, person):
    day = days_ahead(3).date()

    response = client.post(
        reverse("training:schedule_add"),
        {"kind": "leave", "leave_type": "", "start": f"{day}T07:30", "end": f"{day}T16:00"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["leave_type"] == ["Pilih jenis cuti."]
    assert not ScheduleEntry.objects.exists()


def test_add_entry_ending_before_start_is_refused(client, person):
    day = days_ahead(3).date()

    response = client.post(
        reverse("training:schedule_add"),
        {"kind": "duty_shift", "start": f"{day}T16:00", "end": f"{day}T07:00"},
    )

    assert "end" in response.context["form"].errors
    assert not ScheduleEntry.objects.exists()


def test_edit_and_delete_own_entry(client, person):
    entry = ScheduleEntryFactory(
        civil_servant=person, start=days_ahead(2, 7), end=days_ahead(2, 14)
    )
    day = days_ahead(2).date()

    client.post(
        reverse("training:schedule_edit", args=[entry.pk]),
        {"kind": "official_travel", "start": f"{day}T06:00", "end": f"{day}T18:00"},
    )
    entry.refresh_from_db()
    kind_after_edit = entry.kind
    client.post(reverse("training:schedule_delete", args=[entry.pk]))

    assert kind_after_edit == "official_travel"
    assert not ScheduleEntry.objects.filter(pk=entry.pk).exists()


def test_hr_imported_entry_is_shown_marked_and_not_editable(client, person):
    entry = ScheduleEntryFactory(
        civil_servant=person, source="import", start=days_ahead(1, 7), end=days_ahead(1, 14)
    )

    page = client.get(reverse("training:schedule"), {"minggu": days_ahead(1).date().isoformat()})
    edit = client.get(reverse("training:schedule_edit", args=[entry.pk]))
    delete = client.post(reverse("training:schedule_delete", args=[entry.pk]))

    assert "Dari kepegawaian" in page.content.decode()
    assert (edit.status_code, delete.status_code) == (404, 404)
    assert ScheduleEntry.objects.filter(pk=entry.pk).exists()


def test_other_persons_entry_is_404(client, person):
    other = ScheduleEntryFactory(start=days_ahead(1, 7), end=days_ahead(1, 14))

    assert client.get(reverse("training:schedule_edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("training:schedule_delete", args=[other.pk])).status_code == 404


def test_week_view_shows_entries_and_sessions_together(client, person):
    session = SessionFactory(start=days_ahead(7, 8), program__title="Pelatihan Minggu Ini")
    EnrollmentFactory(session=session, civil_servant=person)
    ScheduleEntryFactory(
        civil_servant=person, start=days_ahead(7, 13), end=days_ahead(7, 20), note="Shift sore"
    )

    response = client.get(
        reverse("training:schedule"), {"minggu": days_ahead(7).date().isoformat()}
    )

    day = next(d for d in response.context["days"] if d["date"] == days_ahead(7).date())
    assert [(e.note, hours) for e, hours in day["entries"]] == [("Shift sore", "13.00–20.00 WIB")]
    assert [e.session.program.title for e, *_ in day["enrollments"]] == ["Pelatihan Minggu Ini"]


def test_feed_parses_with_right_times_and_zone(client, person):
    session = SessionFactory(start=days_ahead(9, 8), program__title="Tata Naskah")
    EnrollmentFactory(session=session, civil_servant=person)
    EnrollmentFactory(civil_servant=person, status="cancelled", session__start=days_ahead(9, 13))
    client.post(reverse("training:calendar_reset"))
    person.refresh_from_db()

    client.logout()
    response = client.get(reverse("training:calendar_feed", args=[person.calendar_token]))

    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert [str(e["summary"]) for e in events] == ["Tata Naskah"]
    start = events[0].decoded("dtstart")
    assert start == session.start
    assert str(start.tzinfo) == "Asia/Jakarta"
    assert events[0]["dtstart"].params["TZID"] == "Asia/Jakarta"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Jakarta"]


def test_feed_wrong_token_is_404(client, person):
    client.post(reverse("training:calendar_reset"))

    response = client.get(reverse("training:calendar_feed", args=["x" * 43]))

    assert response.status_code == 404


def test_feed_reset_token_invalidates_old(client, person):
    client.post(reverse("training:calendar_reset"))
    person.refresh_from_db()
    old = person.calendar_token

    client.post(reverse("training:calendar_reset"))
    person.refresh_from_db()

    assert person.calendar_token != old
    assert client.get(reverse("training:calendar_feed", args=[old])).status_code == 404
    new = client.get(reverse("training:calendar_feed", args=[person.calendar_token]))
    assert new.status_code == 200


def test_new_clashing_shift_triggers_conflict_reminder(
    client, person, django_capture_on_commit_callbacks
):
    from training.models import Reminder

    session = SessionFactory(start=days_ahead(6, 8))
    EnrollmentFactory(session=session, civil_servant=person)
    day = days_ahead(6).date()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("training:schedule_add"),
            {"kind": "duty_shift", "start": f"{day}T07:00", "end": f"{day}T13:00"},
        )

    assert list(Reminder.objects.values_list("kind", "recipient_id")) == [("conflict", person.pk)]


def test_feed_marks_session_cancelled_by_hr(client, person):
    session = SessionFactory(start=days_ahead(9, 8), status="cancelled")
    EnrollmentFactory(session=session, civil_servant=person)
    client.post(reverse("training:calendar_reset"))
    person.refresh_from_db()

    response = client.get(reverse("training:calendar_feed", args=[person.calendar_token]))

    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["status"]) for e in events] == ["CANCELLED"]


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01", "bukan-tanggal"])
def test_week_view_out_of_range_shows_this_week(client, person, week):
    today = datetime.datetime.now(person.district.tzinfo).date()

    response = client.get(reverse("training:schedule"), {"minggu": week})

    assert response.status_code == 200
    assert response.context["monday"] == today - datetime.timedelta(days=today.weekday())


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("0001-01-01T00:00", "2026-12-01T05:00", "start"),
        ("2026-12-01T20:00", "9999-12-31T23:00", "end"),
    ],
)
def test_add_entry_far_out_of_range_is_refused_at_field(client, person, start, end, field):
    response = client.post(
        reverse("training:schedule_add"), {"kind": "duty_shift", "start": start, "end": end}
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field] == ["Isi tanggal antara tahun 1970 dan 2100."]
    assert not ScheduleEntry.objects.exists()


def test_week_view_label_names_the_monday_it_starts(client, person):
    response = client.get(reverse("training:schedule"), {"minggu": "2026-12-10"})

    assert "Minggu mulai 7 Desember 2026" in response.content.decode()


def test_feed_marks_a_request_awaiting_approval_tentative(client, person):
    approved = SessionFactory(start=days_ahead(9, 8), program__title="Disetujui")
    requested = SessionFactory(start=days_ahead(10, 8), program__title="Menunggu atasan")
    EnrollmentFactory(session=approved, civil_servant=person)
    EnrollmentFactory(session=requested, civil_servant=person, status="requested")
    client.post(reverse("training:calendar_reset"))
    person.refresh_from_db()

    response = client.get(reverse("training:calendar_feed", args=[person.calendar_token]))

    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert {str(e["summary"]): str(e["status"]) for e in events} == {
        "Disetujui": "CONFIRMED",
        "Menunggu atasan": "TENTATIVE",
    }
