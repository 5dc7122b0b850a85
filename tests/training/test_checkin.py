"""Self check-in: the venue screen's QR code, the online meeting's code, and their refusals."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from tests.factories import CivilServantFactory, EnrollmentFactory, SessionFactory, district
from training.models import Attendance, Enrollment
from training.services import checkin

HOUR = datetime.timedelta(hours=1)


def _running(**kwargs):
    """Return a published session whose only meeting started an hour ago."""
    now = timezone.now()
    return SessionFactory(start=now - HOUR, end=now + 3 * HOUR, **kwargs)


def _three_days(now):
    day = datetime.timedelta(days=1)
    return SessionFactory(
        start=now - HOUR,
        end=now + 3 * HOUR,
        meetings=[(now - HOUR + n * day, now + 3 * HOUR + n * day) for n in range(3)],
    )


@pytest.mark.django_db
def test_valid_scan_marks_present_once():
    session = _running()
    meeting = session.meetings.get()
    enrollment = EnrollmentFactory(session=session)
    now = timezone.now()
    token = checkin.screen_token(meeting, now=now)

    first, new = checkin.check_in(
        meeting=meeting, person=enrollment.civil_servant, token=token, now=now
    )
    again, again_new = checkin.check_in(
        meeting=meeting, person=enrollment.civil_servant, token=token, now=now + HOUR / 60
    )

    assert (new, again_new) == (True, False)
    assert again.pk == first.pk
    assert list(Attendance.objects.values_list("status", "source", "marked_at")) == [
        ("present", "qr", now)
    ]
    enrollment.refresh_from_db()
    assert enrollment.status == "attended"


@pytest.mark.django_db
def test_scan_after_hr_marked_absent_turns_the_mark_to_present():
    session = _running()
    meeting = session.meetings.get()
    enrollment = EnrollmentFactory(session=session)
    now = timezone.now()
    Attendance.objects.create(
        meeting=meeting, enrollment=enrollment, status="absent", source="hr", marked_at=now
    )

    _, new = checkin.check_in(
        meeting=meeting,
        person=enrollment.civil_servant,
        token=checkin.screen_token(meeting, now=now),
        now=now,
    )

    assert new is True
    assert list(Attendance.objects.values_list("status", "source")) == [("present", "qr")]


@pytest.mark.parametrize(
    ("drawn", "scanned", "code"),
    [
        pytest.param(0, 3 * 60 + 1, "expired", id="three_minutes_late"),
        pytest.param(0, 60 * 60, "expired", id="an_hour_late"),
        pytest.param(5 * 60, 0, "expired", id="drawn_in_the_future"),
    ],
)
@pytest.mark.django_db
def test_expired_code_is_refused(drawn, scanned, code):
    session = _running()
    meeting = session.meetings.get()
    enrollment = EnrollmentFactory(session=session)
    now = timezone.now()
    token = checkin.screen_token(meeting, now=now + datetime.timedelta(seconds=drawn))

    with pytest.raises(checkin.CheckInRefused) as refused:
        checkin.check_in(
            meeting=meeting,
            person=enrollment.civil_servant,
            token=token,
            now=now + datetime.timedelta(seconds=scanned),
        )

    assert refused.value.code == code
    assert refused.value.messages == [
        "Kode ini sudah kedaluwarsa. Pindai lagi kode yang tampil di layar."
    ]
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_code_still_good_at_the_end_of_its_lifetime():
    session = _running()
    meeting = session.meetings.get()
    enrollment = EnrollmentFactory(session=session)
    now = timezone.now()
    token = checkin.screen_token(meeting, now=now)

    _, new = checkin.check_in(
        meeting=meeting, person=enrollment.civil_servant, token=token, now=now + 3 * HOUR / 60
    )

    assert new is True


@pytest.mark.django_db
def test_another_meetings_code_is_refused():
    now = timezone.now()
    session = _three_days(now)
    first, second, _ = session.meetings.order_by("start")
    enrollment = EnrollmentFactory(session=session)

    with pytest.raises(checkin.CheckInRefused) as refused:
        checkin.check_in(
            meeting=first,
            person=enrollment.civil_servant,
            token=checkin.screen_token(second, now=now),
            now=now,
        )

    assert refused.value.code == "other_meeting"
    assert refused.value.messages == [
        "Kode ini untuk pertemuan lain. Pindai kode yang tampil di layar pertemuan ini."
    ]
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("", id="empty"),
        pytest.param("12.abc:forged", id="forged"),
        pytest.param("nonsense", id="unsigned"),
    ],
)
@pytest.mark.django_db
def test_forged_code_is_refused(token):
    session = _running()
    meeting = session.meetings.get()
    enrollment = EnrollmentFactory(session=session)

    with pytest.raises(checkin.CheckInRefused) as refused:
        checkin.check_in(
            meeting=meeting, person=enrollment.civil_servant, token=token, now=timezone.now()
        )

    assert refused.value.code == "invalid"
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("status", [None, "cancelled", "waitlisted", "rejected"])
@pytest.mark.django_db
def test_non_participant_is_refused(status):
    session = _running()
    meeting = session.meetings.get()
    person = CivilServantFactory(district=session.district)
    if status:
        EnrollmentFactory(
            session=session, civil_servant=person, status=status, waitlisted_at=timezone.now()
        )
    now = timezone.now()

    with pytest.raises(checkin.CheckInRefused) as refused:
        checkin.check_in(
            meeting=meeting, person=person, token=checkin.screen_token(meeting, now=now), now=now
        )

    assert refused.value.code == "not_enrolled"
    assert refused.value.messages == [
        "Anda tidak terdaftar sebagai peserta pelatihan ini, jadi tidak dapat mengisi kehadiran."
    ]
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_opening_the_check_in_page_marks_nothing_until_confirmed(client):
    session = _running()
    meeting = session.meetings.get()
    enrollment = EnrollmentFactory(session=session)
    client.force_login(enrollment.civil_servant.user)
    token = checkin.screen_token(meeting, now=timezone.now())
    url = reverse("training:checkin", args=[meeting.pk])

    opened = client.get(url, {"k": token})
    marked_on_opening = Attendance.objects.count()
    confirmed = client.post(url, {"k": token}, follow=True)
    again = client.post(url, {"k": token}, follow=True)

    assert marked_on_opening == 0
    assert 'id="checkin-confirm"' in opened.content.decode()
    assert "Anda tercatat hadir" in confirmed.content.decode()
    assert "Hadir" in confirmed.content.decode()
    assert "Anda sudah tercatat hadir pukul" in again.content.decode()
    assert Attendance.objects.get().enrollment == enrollment


@pytest.mark.django_db
def test_check_in_page_without_a_code_or_with_an_old_one_says_why(client):
    session = _running()
    meeting = session.meetings.get()
    enrollment = EnrollmentFactory(session=session)
    client.force_login(enrollment.civil_servant.user)
    url = reverse("training:checkin", args=[meeting.pk])
    old = checkin.screen_token(meeting, now=timezone.now() - HOUR)

    bare = client.get(url)
    expired = client.post(url, {"k": old})

    assert "Pindai kode QR yang tampil di tempat pelatihan" in bare.content.decode()
    assert expired.status_code == 400
    assert "sudah kedaluwarsa" in expired.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_check_in_page_of_another_districts_closed_session_is_404(client):
    session = _running()
    meeting = session.meetings.get()
    outsider = CivilServantFactory(district=district("plaju"))
    client.force_login(outsider.user)

    response = client.get(reverse("training:checkin", args=[meeting.pk]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_online_meeting_code_checks_in_during_the_meeting_only():
    now = timezone.now()
    session = SessionFactory(
        start=now - HOUR,
        end=now + HOUR,
        venue=None,
        meetings=[
            {"start": now - HOUR, "end": now + HOUR, "is_online": True, "venue": None},
            {"start": now + 24 * HOUR, "end": now + 26 * HOUR, "is_online": True, "venue": None},
        ],
    )
    today, tomorrow = session.meetings.order_by("start")
    enrollment = EnrollmentFactory(session=session)
    person = enrollment.civil_servant

    with pytest.raises(checkin.CheckInRefused) as wrong:
        checkin.check_in_with_code(person=person, code="000000x", now=now)
    with pytest.raises(checkin.CheckInRefused) as early:
        checkin.check_in_with_code(person=person, code=checkin.short_code(tomorrow), now=now)
    mark, new = checkin.check_in_with_code(person=person, code=checkin.short_code(today), now=now)

    assert (wrong.value.code, early.value.code) == ("no_meeting", "no_meeting")
    assert (mark.meeting, mark.source, new) == (today, "code", True)
    assert len(checkin.short_code(today)) == 6
    assert checkin.short_code(today) != checkin.short_code(tomorrow)


@pytest.mark.django_db
def test_online_code_form_says_why_it_refuses(client):
    session = _running()
    enrollment = EnrollmentFactory(session=session)
    client.force_login(enrollment.civil_servant.user)

    response = client.post(reverse("training:checkin_code"), {"code": "12345"})

    assert response.status_code == 400
    assert "Kode terdiri dari enam angka." in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_hundred_participants_checking_in_at_once_lose_no_mark_and_double_none():
    session = _running(capacity=200)
    meeting = session.meetings.get()
    people = CivilServantFactory.create_batch(200, district=session.district)
    Enrollment.objects.bulk_create(
        Enrollment(session=session, civil_servant=person, status="approved") for person in people
    )
    now = timezone.now()
    token = checkin.screen_token(meeting, now=now)
    # Every participant scans twice (a double tap). The scans go in waves of 40
    # at once (a barrier per wave), so the test stays within PostgreSQL's
    # connection limit on a shared machine.
    scans = [person for person in people for _ in range(2)]
    workers = 40
    barrier = threading.Barrier(workers)
    errors, new_marks = [], []

    def scan(person):
        try:
            barrier.wait(timeout=60)
            _, new = checkin.check_in(meeting=meeting, person=person, token=token, now=now)
            new_marks.append(new)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(scan, scans))

    assert errors == []
    assert new_marks.count(True) == 200
    assert Attendance.objects.filter(meeting=meeting, status="present").count() == 200
    assert Attendance.objects.filter(meeting=meeting).values("enrollment").distinct().count() == 200
    assert set(session.enrollments.values_list("status", flat=True)) == {"attended"}


@pytest.mark.django_db
def test_join_link_shows_to_participants_only_from_thirty_minutes_before(client):
    now = timezone.now()
    link = "https://meet.example.test/bimtek-siasn"
    session = SessionFactory(
        start=now + 20 * datetime.timedelta(minutes=1),
        end=now + 26 * HOUR,
        venue=None,
        meetings=[
            {
                "start": now + 20 * datetime.timedelta(minutes=1),
                "end": now + 2 * HOUR,
                "is_online": True,
                "venue": None,
                "join_link": link,
            },
            {
                "start": now + 24 * HOUR,
                "end": now + 26 * HOUR,
                "is_online": True,
                "venue": None,
                "join_link": link + "-2",
            },
        ],
    )
    enrollment = EnrollmentFactory(session=session)
    outsider = CivilServantFactory(district=session.district)
    url = reverse("training:session", args=[session.pk])

    client.force_login(enrollment.civil_servant.user)
    participant = client.get(url).content.decode()
    client.force_login(outsider.user)
    other = client.get(url).content.decode()

    assert f'href="{link}"' in participant
    assert f'href="{link}-2"' not in participant
    assert "Tautan pertemuan tampil di sini mulai" in participant
    assert link not in other
