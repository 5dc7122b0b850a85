"""Attendance per meeting: HR's marks, the venue screen, the share that completes."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    EnrollmentFactory,
    ProgramFactory,
    SessionFactory,
    district,
    hr_officer,
)
from training.models import Attendance, CompletionRecord
from training.services import attendance, checkin, roster

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def _three_days_done(**kwargs):
    """Return a published session of three meetings, all of them over."""
    first = timezone.now() - 10 * DAY
    return SessionFactory(
        start=first,
        end=first + 2 * DAY + 4 * HOUR,
        meetings=[(first + n * DAY, first + n * DAY + 4 * HOUR) for n in range(3)],
        **kwargs,
    )


@pytest.fixture
def officer():
    return hr_officer(district("mulyorejo"))


@pytest.fixture
def hr_client(client, officer):
    client.force_login(officer.user)
    return client


def _mark(meeting, enrollment, status, reason=""):
    return Attendance.objects.create(
        meeting=meeting,
        enrollment=enrollment,
        status=status,
        reason=reason,
        source="hr",
        marked_at=timezone.now(),
    )


@pytest.mark.django_db
def test_hr_marks_one_meeting_present_late_excused_absent(hr_client, officer):
    session = _three_days_done()
    meeting = session.meetings.order_by("start")[1]
    ani, budi, cici, dedi = EnrollmentFactory.create_batch(4, session=session)
    url = reverse("training:hr-meeting-attendance", args=[session.pk, meeting.pk])

    response = hr_client.post(
        url,
        {
            f"status_{ani.pk}": "present",
            f"status_{budi.pk}": "late",
            f"status_{cici.pk}": "excused",
            f"reason_{cici.pk}": "Sakit, surat dokter",
            f"status_{dedi.pk}": "absent",
        },
    )

    assert response.status_code == 302
    marks = {a.enrollment_id: (a.status, a.reason) for a in meeting.attendances.all()}
    assert marks == {
        ani.pk: ("present", ""),
        budi.pk: ("late", ""),
        cici.pk: ("excused", "Sakit, surat dokter"),
        dedi.pk: ("absent", ""),
    }
    statuses = dict(session.enrollments.values_list("pk", "status"))
    # One meeting of three: the enrolment's summary says partly attended (or not yet).
    assert statuses == {
        ani.pk: "partial",
        budi.pk: "partial",
        cici.pk: "approved",
        dedi.pk: "approved",
    }
    entry = session.audit_entries.get(action="attendance_marked")
    assert entry.detail.splitlines()[0].startswith("Pertemuan 2, ")
    assert "Izin (Sakit, surat dokter)" in entry.detail


@pytest.mark.django_db
def test_excused_without_a_reason_is_refused_at_the_row(hr_client):
    session = _three_days_done()
    meeting = session.meetings.first()
    enrollment = EnrollmentFactory(session=session)

    response = hr_client.post(
        reverse("training:hr-meeting-attendance", args=[session.pk, meeting.pk]),
        {f"status_{enrollment.pk}": "excused", f"reason_{enrollment.pk}": "  "},
    )

    assert response.status_code == 200
    assert "Tuliskan alasan izin." in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_rows_left_empty_stay_unmarked(hr_client):
    session = _three_days_done()
    meeting = session.meetings.first()
    marked, untouched = EnrollmentFactory.create_batch(2, session=session)

    hr_client.post(
        reverse("training:hr-meeting-attendance", args=[session.pk, meeting.pk]),
        {f"status_{marked.pk}": "present"},
    )

    assert list(meeting.attendances.values_list("enrollment_id", flat=True)) == [marked.pk]


@pytest.mark.django_db
def test_meeting_not_started_yet_refuses_marks(hr_client, officer):
    now = timezone.now()
    session = SessionFactory(
        start=now - HOUR,
        end=now + DAY + 3 * HOUR,
        meetings=[(now - HOUR, now + 3 * HOUR), (now + DAY, now + DAY + 3 * HOUR)],
    )
    tomorrow = session.meetings.order_by("start")[1]
    enrollment = EnrollmentFactory(session=session)

    page = hr_client.get(reverse("training:hr-meeting-attendance", args=[session.pk, tomorrow.pk]))
    with pytest.raises(ValidationError) as refused:
        attendance.mark_meeting(
            meeting=tomorrow, marks={enrollment.pk: ("present", "")}, actor=officer.user, now=now
        )

    notice = "Kehadiran dapat dicatat setelah pertemuan dimulai."
    assert notice in page.content.decode()
    assert refused.value.messages == [notice]
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_attendance_link_opens_todays_meeting(hr_client):
    now = timezone.now()
    session = SessionFactory(
        start=now - DAY,
        end=now + DAY,
        meetings=[(now - DAY, now - DAY + HOUR), (now, now + HOUR), (now + DAY - HOUR, now + DAY)],
    )
    today = session.meetings.order_by("start")[1]

    response = hr_client.get(reverse("training:hr-attendance", args=[session.pk]))

    assert response.url == reverse("training:hr-meeting-attendance", args=[session.pk, today.pk])


@pytest.mark.django_db
def test_three_meetings_summarise_into_the_enrolment_status():
    session = _three_days_done()
    meetings = list(session.meetings.order_by("start"))
    every, some, none = EnrollmentFactory.create_batch(3, session=session)
    for meeting in meetings:
        _mark(meeting, every, "late" if meeting == meetings[0] else "present")
        _mark(meeting, some, "present" if meeting == meetings[0] else "absent")
        _mark(meeting, none, "excused", "Dinas luar")
    for enrollment in (every, some, none):
        attendance.sync_enrollment(enrollment)

    statuses = dict(session.enrollments.values_list("pk", "status"))
    assert statuses == {every.pk: "attended", some.pk: "partial", none.pk: "no_show"}


@pytest.mark.parametrize(
    ("attended", "meetings", "percent", "meets"),
    [
        pytest.param(3, 3, 100, True, id="all_of_all"),
        pytest.param(2, 3, 100, False, id="two_of_three_at_100"),
        pytest.param(4, 5, 80, True, id="four_of_five_at_80"),
        pytest.param(3, 5, 80, False, id="three_of_five_at_80"),
        pytest.param(2, 3, 66, True, id="two_of_three_at_66"),
        pytest.param(0, 0, 50, False, id="no_meetings"),
    ],
)
def test_meets_minimum(attended, meetings, percent, meets):
    assert attendance.meets_minimum(attended=attended, meetings=meetings, percent=percent) is meets


@pytest.mark.django_db
def test_completion_form_prefills_pass_from_the_programs_share(hr_client):
    session = _three_days_done(program=ProgramFactory(min_attendance_percent=60))
    meetings = list(session.meetings.order_by("start"))
    two, one = EnrollmentFactory.create_batch(2, session=session)
    for meeting in meetings[:2]:
        _mark(meeting, two, "present")
    _mark(meetings[0], one, "present")
    for enrollment in (two, one):
        attendance.sync_enrollment(enrollment)

    page = hr_client.get(reverse("training:hr-completion", args=[session.pk]))

    form = page.context["form"]
    assert (form[f"passed_{two.pk}"].value(), form[f"passed_{one.pk}"].value()) == (True, False)
    assert "2 dari 3 pertemuan" in page.content.decode()
    assert "60%" in page.content.decode()


@pytest.mark.django_db
def test_completion_override_needs_a_reason_and_is_audited(hr_client):
    session = _three_days_done()
    meeting = session.meetings.order_by("start").first()
    enrollment = EnrollmentFactory(session=session)
    _mark(meeting, enrollment, "present")
    attendance.sync_enrollment(enrollment)
    url = reverse("training:hr-completion", args=[session.pk])
    data = {f"passed_{enrollment.pk}": "on", f"jp_{enrollment.pk}": "12"}

    refused = hr_client.post(url, data)
    recorded = hr_client.post(url, {**data, f"reason_{enrollment.pk}": "Tugas pengganti dinilai"})

    assert "Tuliskan alasan" in refused.content.decode()
    assert recorded.status_code == 302
    assert CompletionRecord.objects.get().passed is True
    detail = session.audit_entries.get(action="completion_recorded").detail
    assert detail.endswith("lulus, 12 JP (tidak sesuai aturan kehadiran: Tugas pengganti dinilai)")


@pytest.mark.django_db
def test_record_completion_refuses_an_override_without_reason(officer):
    session = _three_days_done()
    enrollment = EnrollmentFactory(session=session, status="partial")
    _mark(session.meetings.first(), enrollment, "present")

    with pytest.raises(ValidationError):
        roster.record_completion(
            session=session,
            results={enrollment.pk: {"score": None, "passed": True, "jp_credited": 8}},
            actor=officer.user,
            now=timezone.now(),
        )

    assert not CompletionRecord.objects.exists()


@pytest.mark.django_db
def test_screen_page_shows_a_fresh_qr_code_and_the_live_count(hr_client):
    session = _three_days_done()
    meeting = session.meetings.first()
    present, _ = EnrollmentFactory.create_batch(2, session=session)
    _mark(meeting, present, "present")

    page = hr_client.get(reverse("training:hr-checkin-screen", args=[session.pk, meeting.pk]))
    counts = hr_client.get(reverse("training:hr-checkin-data", args=[session.pk, meeting.pk]))
    renewed = hr_client.get(
        reverse("training:hr-checkin-data", args=[session.pk, meeting.pk]), {"kode": "1"}
    )

    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    assert f"/saya/hadir/{meeting.pk}/?k=" in html
    assert checkin.short_code(meeting) in html
    assert counts.json() == {"present": 1, "marked": 1, "enrolled": 2}
    state = renewed.json()
    assert state["qr"].startswith("data:image/svg+xml;base64,")
    token = state["url"].split("?k=")[1]
    checkin.read_token(meeting, token, now=timezone.now())


@pytest.mark.django_db
def test_screen_and_counts_of_another_district_are_404(client):
    session = _three_days_done()
    meeting = session.meetings.first()
    client.force_login(hr_officer(district("plaju")).user)

    screen = client.get(reverse("training:hr-checkin-screen", args=[session.pk, meeting.pk]))
    counts = client.get(reverse("training:hr-checkin-data", args=[session.pk, meeting.pk]))

    assert (screen.status_code, counts.status_code) == (404, 404)


@pytest.mark.django_db
def test_participant_cannot_open_the_screen(client):
    session = _three_days_done()
    meeting = session.meetings.first()
    enrollment = EnrollmentFactory(session=session)
    client.force_login(enrollment.civil_servant.user)

    response = client.get(reverse("training:hr-checkin-screen", args=[session.pk, meeting.pk]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_roster_shows_the_live_count_of_the_meeting_running_now(hr_client):
    now = timezone.now()
    session = SessionFactory(
        start=now - DAY,
        end=now + 2 * HOUR,
        meetings=[(now - DAY, now - DAY + HOUR), (now - HOUR, now + 2 * HOUR)],
    )
    yesterday, today = session.meetings.order_by("start")
    here, _ = EnrollmentFactory.create_batch(2, session=session)
    _mark(today, here, "present")
    _mark(yesterday, here, "absent")

    page = hr_client.get(reverse("training:hr-session", args=[session.pk])).content.decode()

    data_url = reverse("training:hr-checkin-data", args=[session.pk, today.pk])
    assert f'data-checkin-url="{data_url}"' in page
    assert '<span data-checkin="present">1</span> / <span data-checkin="enrolled">2</span>' in page
