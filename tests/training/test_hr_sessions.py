"""HR session pages and services: schedule, series, warnings, publish, reschedule, cancel."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    EnrollmentFactory,
    InstructorFactory,
    ProgramFactory,
    ScheduleEntryFactory,
    SessionFactory,
    VenueFactory,
    at,
    district,
    local,
    next_working_day,
)
from tests.training.hr_helpers import session_form
from training.models import AuditEntry, Reminder, TrainingSession
from training.services import scheduling

# Fixed dates (7 December 2026 and around it): the clock is pinned a week before.
pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.mark.django_db
def test_session_create_in_district_zone_as_draft(hr_client, officer):
    program, venue = ProgramFactory(), VenueFactory()

    response = hr_client.post(reverse("training:hr-session-create"), session_form(program, venue))

    session = TrainingSession.objects.get()
    assert response.status_code == 302
    assert (session.start, session.end, session.status) == (
        local(2026, 12, 7, 8),
        local(2026, 12, 7, 12),
        "draft",
    )
    assert session.enrollment_opens_at == local(2026, 11, 1, 8)
    assert session.created_by == officer.user
    assert list(session.audit_entries.values_list("action", flat=True)) == ["created"]


@pytest.mark.django_db
def test_session_create_weekly_series_and_extra_dates(hr_client):
    program, venue = ProgramFactory(), VenueFactory()

    hr_client.post(
        reverse("training:hr-session-create"),
        session_form(
            program,
            venue,
            repeat_weeks="3",
            extra_dates="2026-12-29, 2027-01-05",
            separate_sessions="on",
        ),
    )

    sessions = list(TrainingSession.objects.order_by("start"))
    assert [s.start.date() for s in sessions] == [
        datetime.date(2026, 12, 7),
        datetime.date(2026, 12, 14),
        datetime.date(2026, 12, 21),
        datetime.date(2026, 12, 29),
        datetime.date(2027, 1, 5),
    ]
    assert len({s.series for s in sessions}) == 1
    assert sessions[1].enrollment_closes_at == local(2026, 12, 11, 16)


@pytest.mark.django_db
def test_the_weekly_tool_makes_one_session_with_a_meeting_per_week(hr_client):
    program, venue = ProgramFactory(), VenueFactory()

    hr_client.post(
        reverse("training:hr-session-create"), session_form(program, venue, repeat_weeks="3")
    )

    session = TrainingSession.objects.get()
    assert [m.start.date() for m in session.meetings.all()] == [
        datetime.date(2026, 12, 7),
        datetime.date(2026, 12, 14),
        datetime.date(2026, 12, 21),
    ]
    assert session.series is None
    assert session.end == local(2026, 12, 21, 12)


@pytest.mark.django_db
def test_session_create_holiday_warning_needs_reason_then_records_it(hr_client):
    program, venue = ProgramFactory(), VenueFactory()
    form = session_form(program, venue, date="2026-12-24")

    first = hr_client.post(reverse("training:hr-session-create"), form)
    second = hr_client.post(
        reverse("training:hr-session-create"), {**form, "override_reason": "Sesuai DIPA"}
    )

    assert first.status_code == 200
    assert [w.kind for w in first.context["warnings"]] == ["holiday"]
    assert "Cuti Bersama Hari Raya Natal" in first.content.decode()
    assert second.status_code == 302
    session = TrainingSession.objects.get()
    assert session.override_reason == "Sesuai DIPA"
    override = session.audit_entries.get(action=AuditEntry.Action.WARNING_OVERRIDDEN)
    assert override.detail.startswith("Sesuai DIPA\n")


@pytest.mark.django_db
def test_session_create_refuses_venue_double_booking_even_with_reason(hr_client):
    existing = SessionFactory()

    response = hr_client.post(
        reverse("training:hr-session-create"),
        session_form(existing.program, existing.venue, start_time="10:00", override_reason="Tetap"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["venue"]
    assert TrainingSession.objects.count() == 1


@pytest.mark.django_db
def test_session_create_needs_venue_or_online_link(hr_client):
    program = ProgramFactory()

    response = hr_client.post(
        reverse("training:hr-session-create"),
        {**session_form(program, VenueFactory()), "venue": ""},
    )

    assert "venue" in response.context["form"].errors
    assert not TrainingSession.objects.exists()


@pytest.mark.django_db
def test_session_create_refuses_venue_of_another_district(hr_client):
    program = ProgramFactory()
    other_venue = VenueFactory(district=district("asemrowo"))

    response = hr_client.post(
        reverse("training:hr-session-create"), session_form(program, other_venue)
    )

    assert "venue" in response.context["form"].errors
    assert not TrainingSession.objects.exists()


@pytest.mark.django_db
def test_schedule_service_refuses_venue_overlap_on_every_database(officer):
    existing = SessionFactory()

    with pytest.raises(ValidationError) as error:
        scheduling.schedule_sessions(
            program=existing.program,
            intervals=[(local(2026, 12, 7, 11), local(2026, 12, 7, 13))],
            capacity=10,
            venue=existing.venue,
            override_reason="please",
            actor=officer.user,
        )

    assert "venue" in error.value.message_dict
    assert TrainingSession.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.postgres_only
def test_venue_exclusion_constraint_refuses_overlap_on_postgresql():
    existing = SessionFactory()

    with pytest.raises(IntegrityError, match="meeting_venue_no_overlap"), transaction.atomic():
        SessionFactory(venue=existing.venue, program=existing.program, start=local(2026, 12, 7, 11))

    back_to_back = SessionFactory(
        venue=existing.venue, program=existing.program, start=local(2026, 12, 7, 12)
    )
    assert connection.vendor == "postgresql"
    assert back_to_back.pk


@pytest.mark.django_db
def test_session_publish_from_draft(hr_client):
    session = SessionFactory(status="draft")

    hr_client.post(reverse("training:hr-session-publish", args=[session.pk]))

    session.refresh_from_db()
    assert session.status == "published"
    assert session.audit_entries.filter(action="published").count() == 1


@pytest.mark.django_db
def test_session_reschedule_emails_everyone_enrolled_after_commit(
    hr_client, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=1)
    EnrollmentFactory(session=session)
    EnrollmentFactory(session=session, status="waitlisted", waitlisted_at=local(2026, 11, 1))
    EnrollmentFactory(session=session, status="cancelled")
    form = session_form(session.program, session.venue, date="2026-12-08", capacity="1")

    with django_capture_on_commit_callbacks(execute=True):
        hr_client.post(reverse("training:hr-session-edit", args=[session.pk]), form)

    session.refresh_from_db()
    assert session.start == local(2026, 12, 8, 8)
    assert len(mail.outbox) == 2
    assert "Selasa, 8 Desember 2026, 08.00–12.00 WIB" in mail.outbox[0].body
    rescheduled = session.audit_entries.get(action="rescheduled")
    assert rescheduled.detail == (
        "Senin, 7 Desember 2026, 08.00–12.00 WIB → Selasa, 8 Desember 2026, 08.00–12.00 WIB"
    )


@pytest.mark.django_db
def test_session_edit_without_time_change_sends_no_email(
    hr_client, django_capture_on_commit_callbacks
):
    session = SessionFactory(instructor=InstructorFactory())
    EnrollmentFactory(session=session)

    with django_capture_on_commit_callbacks(execute=True):
        hr_client.post(
            reverse("training:hr-session-edit", args=[session.pk]),
            session_form(session.program, session.venue, capacity="30"),
        )

    session.refresh_from_db()
    assert session.capacity == 30
    assert mail.outbox == []


@pytest.mark.django_db
def test_session_cancel_needs_reason_and_emails(hr_client, django_capture_on_commit_callbacks):
    session = SessionFactory()
    EnrollmentFactory(session=session)
    url = reverse("training:hr-session-cancel", args=[session.pk])

    empty = hr_client.post(url, {"reason": " "})
    with django_capture_on_commit_callbacks(execute=True):
        hr_client.post(url, {"reason": "Narasumber sakit"})

    assert "reason" in empty.context["form"].errors
    session.refresh_from_db()
    assert (session.status, session.cancel_reason) == ("cancelled", "Narasumber sakit")
    assert len(mail.outbox) == 1
    assert "Narasumber sakit" in mail.outbox[0].body


@pytest.mark.django_db
def test_session_list_shows_seats_and_waitlist(hr_client):
    session = SessionFactory(capacity=2)
    EnrollmentFactory.create_batch(2, session=session)
    EnrollmentFactory(session=session, status="waitlisted", waitlisted_at=local(2026, 11, 1))
    SessionFactory(district=district("plaju"))

    response = hr_client.get(reverse("training:hr-sessions"), {"month": "2026-12"})

    rows = list(response.context["page"])
    assert [(s.pk, s.seats_taken, s.waitlist_length) for s in rows] == [(session.pk, 2, 1)]
    assert "2 / 2" in response.content.decode()


@pytest.mark.django_db
def test_session_calendar_month_and_week_place_sessions_on_local_day(hr_client):
    session = SessionFactory(start=local(2026, 12, 9, 6))

    month = hr_client.get(reverse("training:hr-calendar"), {"date": "2026-12-01"})
    week = hr_client.get(reverse("training:hr-calendar"), {"date": "2026-12-10", "view": "week"})

    days = {cell["day"]: cell["sessions"] for row in month.context["weeks"] for cell in row}
    assert days[datetime.date(2026, 12, 9)] == [session]
    assert [cell["day"].day for cell in week.context["weeks"][0]] == [7, 8, 9, 10, 11, 12, 13]
    assert week.context["weeks"][0][2]["sessions"] == [session]


@pytest.mark.django_db
def test_session_list_shows_upcoming_by_default_and_past_on_request(hr_client):
    now = timezone.now()
    past = SessionFactory(start=now - datetime.timedelta(days=3))
    upcoming = SessionFactory(start=now + datetime.timedelta(days=3))

    default = hr_client.get(reverse("training:hr-sessions"))
    earlier = hr_client.get(reverse("training:hr-sessions"), {"when": "past"})
    everything = hr_client.get(reverse("training:hr-sessions"), {"when": "all"})

    assert [s.pk for s in default.context["page"]] == [upcoming.pk]
    assert [s.pk for s in earlier.context["page"]] == [past.pk]
    assert [s.pk for s in everything.context["page"]] == [past.pk, upcoming.pk]


@pytest.mark.django_db
def test_session_page_shows_the_audit_trail(hr_client, officer):
    program, venue = ProgramFactory(), VenueFactory()
    (session,) = scheduling.schedule_sessions(
        program=program,
        intervals=[(local(2026, 12, 24, 8), local(2026, 12, 24, 12))],
        capacity=10,
        venue=venue,
        override_reason="Sesuai DIPA",
        actor=officer.user,
    )
    scheduling.publish_session(session=session, actor=officer.user)

    page = hr_client.get(reverse("training:hr-session", args=[session.pk])).content.decode()

    assert [e.action for e in session.audit_entries.all()] == [
        "published",
        "warning_overridden",
        "created",
    ]
    for text in ("menerbitkan", "mengabaikan peringatan", "membuat", "Sesuai DIPA", officer.name):
        assert text in page


@pytest.mark.django_db
def test_session_reschedule_rechecks_participants_conflicts(
    officer, django_capture_on_commit_callbacks
):
    day = timezone.localdate() + datetime.timedelta(days=10)
    session = SessionFactory(start=local(day.year, day.month, day.day, 8))
    enrollment = EnrollmentFactory(session=session)
    ScheduleEntryFactory(
        civil_servant=enrollment.civil_servant,
        start=local(day.year, day.month, day.day, 13),
        end=local(day.year, day.month, day.day, 16),
    )
    new_start = local(day.year, day.month, day.day, 13)

    with django_capture_on_commit_callbacks(execute=True):
        scheduling.update_session(
            session=session,
            data={"start": new_start, "end": new_start + datetime.timedelta(hours=3)},
            override_reason="Aula dipakai pagi",
            actor=officer.user,
            now=timezone.now(),
        )

    assert list(Reminder.objects.order_by("kind").values_list("enrollment_id", "kind")) == [
        (enrollment.pk, "conflict"),
        (enrollment.pk, "rescheduled"),
    ]


@pytest.mark.django_db
def test_session_capacity_cannot_drop_below_seats_taken(hr_client):
    session = SessionFactory(capacity=3)
    EnrollmentFactory.create_batch(2, session=session)

    response = hr_client.post(
        reverse("training:hr-session-edit", args=[session.pk]),
        session_form(session.program, session.venue, capacity="1"),
    )

    assert response.context["form"].errors["capacity"] == [
        "2 kursi sudah terisi; kuota tidak dapat lebih kecil."
    ]
    session.refresh_from_db()
    assert session.capacity == 3


@pytest.mark.django_db
def test_session_larger_capacity_moves_the_waitlist_up_in_order(officer):
    session = SessionFactory(capacity=1, start=at(next_working_day(days=10), 8))
    EnrollmentFactory(session=session)
    first = EnrollmentFactory(
        session=session, status="waitlisted", waitlisted_at=local(2026, 11, 1, 8)
    )
    second = EnrollmentFactory(
        session=session, status="waitlisted", waitlisted_at=local(2026, 11, 1, 9)
    )
    third = EnrollmentFactory(
        session=session, status="waitlisted", waitlisted_at=local(2026, 11, 1, 10)
    )

    scheduling.update_session(
        session=session, data={"capacity": 3}, actor=officer.user, now=timezone.now()
    )

    statuses = dict(session.enrollments.values_list("pk", "status"))
    assert [statuses[e.pk] for e in (first, second, third)] == [
        "approved",
        "approved",
        "waitlisted",
    ]


@pytest.mark.django_db
def test_series_records_the_override_only_where_a_warning_was(officer):
    program, venue = ProgramFactory(), VenueFactory()

    sessions = scheduling.schedule_sessions(
        program=program,
        intervals=[
            (local(2026, 12, 17, 8), local(2026, 12, 17, 12)),
            (local(2026, 12, 24, 8), local(2026, 12, 24, 12)),
        ],
        capacity=10,
        venue=venue,
        override_reason="Sesuai DIPA",
        actor=officer.user,
    )

    assert [s.override_reason for s in sessions] == ["", "Sesuai DIPA"]
    assert sessions[0].series == sessions[1].series is not None
    assert [s.audit_entries.filter(action="warning_overridden").count() for s in sessions] == [0, 1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("month_at_the_end_of_time", {"date": "9999-12-31"}),
        ("week_at_the_start_of_time", {"date": "0001-01-01", "view": "week"}),
    ],
)
def test_session_calendar_out_of_range_date_shows_this_month(hr_client, name, query):
    response = hr_client.get(reverse("training:hr-calendar"), query)

    assert response.status_code == 200
    assert response.context["day"] == timezone.localdate()


@pytest.mark.django_db
def test_session_list_out_of_range_month_is_refused_at_the_field(hr_client):
    response = hr_client.get(reverse("training:hr-sessions"), {"month": "9999-12"})

    assert response.status_code == 200
    assert response.context["filters"].errors["month"] == [
        "Pilih bulan antara tahun 1970 dan 2100."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "overrides", "field"),
    [
        ("series_past_year_9999", {"date": "9999-12-31", "repeat_weeks": "3"}, "date"),
        ("year_one", {"date": "0001-01-01"}, "date"),
        ("further_date_year_one", {"extra_dates": "0001-01-01"}, "extra_dates"),
        ("window_year_one", {"enrollment_opens_at": "0001-01-01T00:00"}, "enrollment_opens_at"),
    ],
)
def test_session_create_far_out_of_range_date_is_refused_at_the_field(
    hr_client, name, overrides, field
):
    program, venue = ProgramFactory(), VenueFactory()

    response = hr_client.post(
        reverse("training:hr-session-create"), session_form(program, venue, **overrides)
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field] == ["Pilih tanggal antara tahun 1970 dan 2100."]
    assert not TrainingSession.objects.exists()


@pytest.mark.django_db
def test_session_calendar_week_label_cannot_be_read_as_a_sunday(hr_client):
    response = hr_client.get(
        reverse("training:hr-calendar"), {"date": "2026-12-10", "view": "week"}
    )

    # "Minggu 7 Desember 2026" would read "Sunday 7 December"; 7 December 2026 is a Monday.
    assert "Minggu mulai 7 Desember 2026" in response.content.decode()


@pytest.mark.django_db
def test_session_calendar_gives_a_phone_a_list_of_days_not_the_grid(hr_client):
    session = SessionFactory(start=local(2026, 12, 9, 6), program__title="Lokakarya SRIKANDI")

    month = hr_client.get(reverse("training:hr-calendar"), {"date": "2026-12-01"})
    empty = hr_client.get(reverse("training:hr-calendar"), {"date": "2027-03-01"})

    page = month.content.decode()
    listed = page[
        page.index('id="calendar-list"') : page.index("</ul>", page.index("calendar-list"))
    ]
    assert "Rabu, 9 Desember 2026" in listed
    assert f'href="{reverse("training:hr-session", args=[session.pk])}"' in listed
    # One item per day with a session, a holiday, or today: not every day of the month.
    cells = [cell for week in month.context["weeks"] for cell in week]
    marked = {
        cell["day"]
        for cell in cells
        if cell["day"].month == 12 and (cell["sessions"] or cell["holidays"]) or cell["today"]
    }
    assert listed.count("list-group-item") == len(marked) < 31
    assert 'class="table-responsive d-none d-md-block"' in page
    assert "Tidak ada sesi yang cocok." in empty.content.decode()


@pytest.mark.django_db
def test_session_in_a_year_without_holiday_data_is_scheduled_with_a_note(hr_client):
    program, venue = ProgramFactory(), VenueFactory()

    response = hr_client.post(
        reverse("training:hr-session-create"),
        session_form(program, venue, date="2028-02-29"),
        follow=True,
    )

    session = TrainingSession.objects.get()
    assert session.start == local(2028, 2, 29, 8)
    assert [str(message) for message in response.context["messages"]][-1:] == [
        "Hari libur tahun 2028 (libur nasional dan cuti bersama) belum dimuat, sehingga hari "
        "libur pada tahun 2028 belum dapat diperingatkan. Mintalah administrator memuatnya: "
        "tambahkan districts/data/holidays/2028.csv lalu jalankan “python manage.py "
        "load_holidays 2028”, atau isi di menu Hari libur pada halaman admin."
    ]
    edit = hr_client.get(reverse("training:hr-session-edit", args=[session.pk]))
    assert "Hari libur tahun 2028" in edit.content.decode()
    assert 'id="holiday-data-notes"' in edit.content.decode()


@pytest.mark.django_db
def test_session_in_a_year_with_holiday_data_has_no_holiday_data_note(hr_client):
    program, venue = ProgramFactory(), VenueFactory()

    response = hr_client.post(
        reverse("training:hr-session-create"), session_form(program, venue), follow=True
    )

    assert TrainingSession.objects.count() == 1
    assert not any("Hari libur tahun" in str(m) for m in response.context["messages"])
