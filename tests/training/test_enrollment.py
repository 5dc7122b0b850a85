"""The enrolment state machine: admit, request, waitlist, cancel, promote, refuse."""

import datetime
import threading

import pytest
from django.db import close_old_connections, connection

from tests.factories import (
    CivilServantFactory,
    EnrollmentFactory,
    ScheduleEntryFactory,
    SessionFactory,
    district,
    local,
)
from training.models import AuditEntry, Enrollment, TrainingSession
from training.services.enrollment import (
    EnrollmentError,
    approve_request,
    cancel_enrollment,
    enroll,
    promote_from_waitlist,
    reject_request,
    seats_left,
    seats_taken,
    waitlist_position,
)

NOW = local(2026, 11, 20, 9)

pytestmark = pytest.mark.django_db


def _enroll(session, person, **kwargs):
    return enroll(session=session, person=person, actor=person.user, now=NOW, **kwargs)


def test_enroll_free_seat_is_approved():
    session = SessionFactory(capacity=2)
    person = CivilServantFactory()

    enrollment = _enroll(session, person)

    assert enrollment.status == "approved"
    assert enrollment.waitlisted_at is None
    assert enrollment.enrolled_by == person.user
    assert seats_taken(session) == 1
    assert seats_left(session) == 1
    assert AuditEntry.objects.get(session=session).action == "enrollment_changed"


def test_enroll_program_with_approval_and_supervisor_is_requested():
    session = SessionFactory(program__requires_supervisor_approval=True)
    boss = CivilServantFactory()
    person = CivilServantFactory(supervisor=boss)

    enrollment = _enroll(session, person)

    assert enrollment.status == "requested"
    assert seats_taken(session) == 1


def test_enroll_program_with_approval_without_supervisor_is_approved():
    session = SessionFactory(program__requires_supervisor_approval=True)

    assert _enroll(session, CivilServantFactory()).status == "approved"


def test_enroll_by_hr_skips_supervisor_approval():
    session = SessionFactory(program__requires_supervisor_approval=True)
    person = CivilServantFactory(supervisor=CivilServantFactory())

    enrollment = _enroll(session, person, by_hr=True)

    assert enrollment.status == "approved"


def test_enroll_full_session_is_waitlisted_in_order():
    session = SessionFactory(capacity=1)
    _enroll(session, CivilServantFactory())
    first = enroll(session=session, person=CivilServantFactory(), actor=None, now=NOW)
    second = enroll(
        session=session,
        person=CivilServantFactory(),
        actor=None,
        now=NOW + datetime.timedelta(minutes=1),
    )

    assert (first.status, first.waitlisted_at) == ("waitlisted", NOW)
    assert waitlist_position(first) == 1
    assert waitlist_position(second) == 2
    assert seats_left(session) == 0


def test_enroll_twice_is_refused():
    session = SessionFactory()
    person = CivilServantFactory()
    _enroll(session, person)

    with pytest.raises(EnrollmentError) as error:
        _enroll(session, person)

    assert error.value.code == "already_enrolled"
    assert error.value.messages == ["Anda sudah terdaftar di sesi ini."]
    assert Enrollment.objects.filter(session=session).count() == 1


def test_enroll_again_after_cancelling_is_allowed():
    session = SessionFactory()
    person = CivilServantFactory()
    cancel_enrollment(enrollment=_enroll(session, person), actor=None, now=NOW)

    assert _enroll(session, person).status == "approved"


@pytest.mark.parametrize(
    ("status", "code"),
    [("cancelled", "not_open"), ("draft", "not_open"), ("completed", "not_open")],
)
def test_enroll_session_not_published_is_refused(status, code):
    session = SessionFactory(status=status)

    with pytest.raises(EnrollmentError) as error:
        _enroll(session, CivilServantFactory())

    assert error.value.code == code
    assert not Enrollment.objects.exists()


def test_enroll_started_session_is_refused():
    session = SessionFactory(start=NOW - datetime.timedelta(minutes=1))

    with pytest.raises(EnrollmentError) as error:
        _enroll(session, CivilServantFactory())

    assert error.value.code == "started"


@pytest.mark.parametrize(
    ("opens", "closes", "code"),
    [
        (NOW + datetime.timedelta(days=1), None, "window_not_open"),
        (None, NOW, "window_closed"),
        (NOW - datetime.timedelta(days=9), NOW - datetime.timedelta(days=1), "window_closed"),
    ],
    ids=["not_yet_open", "closes_exactly_now", "closed"],
)
def test_enroll_outside_window_is_refused(opens, closes, code):
    session = SessionFactory(enrollment_opens_at=opens, enrollment_closes_at=closes)

    with pytest.raises(EnrollmentError) as error:
        _enroll(session, CivilServantFactory())

    assert error.value.code == code


def test_enroll_by_hr_outside_window_is_allowed():
    session = SessionFactory(enrollment_closes_at=NOW - datetime.timedelta(days=1))

    assert _enroll(session, CivilServantFactory(), by_hr=True).status == "approved"


def test_enroll_window_open_now_is_allowed():
    session = SessionFactory(
        enrollment_opens_at=NOW, enrollment_closes_at=NOW + datetime.timedelta(1)
    )

    assert _enroll(session, CivilServantFactory()).status == "approved"


def test_enroll_other_district_is_refused_unless_program_open():
    closed = SessionFactory(district=district("plaju"))
    open_ = SessionFactory(district=district("plaju"), program__open_to_other_districts=True)
    person = CivilServantFactory(district=district("mulyorejo"))

    with pytest.raises(EnrollmentError) as error:
        _enroll(closed, person)

    assert error.value.code == "other_district"
    assert _enroll(open_, person).status == "approved"


def test_cancel_promotes_first_waitlisted_by_time_then_id():
    session = SessionFactory(capacity=1)
    holder = _enroll(session, CivilServantFactory())
    later = enroll(
        session=session,
        person=CivilServantFactory(),
        actor=None,
        now=NOW + datetime.timedelta(minutes=5),
    )
    earlier = enroll(session=session, person=CivilServantFactory(), actor=None, now=NOW)

    cancel_enrollment(enrollment=holder, actor=None, now=NOW, reason="Dinas luar")

    holder.refresh_from_db()
    earlier.refresh_from_db()
    later.refresh_from_db()
    assert (holder.status, holder.cancel_reason, holder.cancelled_at) == (
        "cancelled",
        "Dinas luar",
        NOW,
    )
    assert (earlier.status, earlier.waitlisted_at) == ("approved", None)
    assert later.status == "waitlisted"
    assert waitlist_position(later) == 1


def test_cancel_waitlisted_promotes_nobody():
    session = SessionFactory(capacity=1)
    _enroll(session, CivilServantFactory())
    first = enroll(session=session, person=CivilServantFactory(), actor=None, now=NOW)
    second = enroll(
        session=session, person=CivilServantFactory(), actor=None, now=NOW + datetime.timedelta(1)
    )

    cancel_enrollment(enrollment=first, actor=None, now=NOW)

    second.refresh_from_db()
    assert second.status == "waitlisted"
    assert waitlist_position(second) == 1


def test_cancel_promoted_person_needing_approval_becomes_requested():
    session = SessionFactory(capacity=1, program__requires_supervisor_approval=True)
    holder = _enroll(session, CivilServantFactory())
    waiting = _enroll(session, CivilServantFactory(supervisor=CivilServantFactory()))

    cancel_enrollment(enrollment=holder, actor=None, now=NOW)

    waiting.refresh_from_db()
    assert waiting.status == "requested"


def test_cancel_after_start_is_refused():
    session = SessionFactory()
    enrollment = _enroll(session, CivilServantFactory())

    with pytest.raises(EnrollmentError) as error:
        cancel_enrollment(enrollment=enrollment, actor=None, now=session.start)

    assert error.value.code == "started"
    enrollment.refresh_from_db()
    assert enrollment.status == "approved"


def test_cancel_twice_is_refused():
    enrollment = _enroll(SessionFactory(), CivilServantFactory())
    cancel_enrollment(enrollment=enrollment, actor=None, now=NOW)

    with pytest.raises(EnrollmentError) as error:
        cancel_enrollment(enrollment=enrollment, actor=None, now=NOW)

    assert error.value.code == "not_cancellable"


def test_approve_request_records_decision():
    boss = CivilServantFactory()
    session = SessionFactory(program__requires_supervisor_approval=True)
    enrollment = _enroll(session, CivilServantFactory(supervisor=boss))

    approve_request(enrollment=enrollment, actor=boss.user, now=NOW, note="Silakan")

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.decided_by, enrollment.decided_at) == (
        "approved",
        boss.user,
        NOW,
    )
    assert enrollment.decision_note == "Silakan"


def test_reject_request_frees_seat_for_waitlist():
    boss = CivilServantFactory()
    session = SessionFactory(capacity=1, program__requires_supervisor_approval=True)
    requested = _enroll(session, CivilServantFactory(supervisor=boss))
    waiting = _enroll(session, CivilServantFactory())

    reject_request(enrollment=requested, actor=boss.user, now=NOW, note="Beban kerja")

    requested.refresh_from_db()
    waiting.refresh_from_db()
    assert (requested.status, requested.decision_note) == ("rejected", "Beban kerja")
    assert waiting.status == "approved"


def test_approve_not_requested_is_refused():
    enrollment = _enroll(SessionFactory(), CivilServantFactory())

    with pytest.raises(EnrollmentError) as error:
        approve_request(enrollment=enrollment, actor=None, now=NOW)

    assert error.value.code == "not_requested"


def test_promote_named_person_when_seat_free():
    session = SessionFactory(capacity=1)
    holder = _enroll(session, CivilServantFactory())
    first = _enroll(session, CivilServantFactory())
    second = _enroll(session, CivilServantFactory())
    session.capacity = 2
    session.save()

    promoted = promote_from_waitlist(session=session, actor=None, now=NOW, enrollment=second)

    first.refresh_from_db()
    assert promoted.status == "approved"
    assert first.status == "waitlisted"
    assert holder.status == "approved"


def test_promote_named_person_when_full_is_refused():
    session = SessionFactory(capacity=1)
    _enroll(session, CivilServantFactory())
    waiting = _enroll(session, CivilServantFactory())

    with pytest.raises(EnrollmentError) as error:
        promote_from_waitlist(session=session, actor=None, now=NOW, enrollment=waiting)

    assert error.value.code == "full"


def test_promote_with_empty_waitlist_returns_none():
    session = SessionFactory(capacity=3)

    assert promote_from_waitlist(session=session, actor=None, now=NOW) is None


def test_seats_count_attended_but_not_cancelled():
    session = SessionFactory(capacity=5)
    EnrollmentFactory(session=session, status="attended")
    EnrollmentFactory(session=session, status="cancelled")
    EnrollmentFactory(session=session, status="waitlisted", waitlisted_at=NOW)

    assert seats_taken(session) == 1
    assert seats_left(session) == 4


def test_enroll_sends_confirmation_after_commit(django_capture_on_commit_callbacks, mailoutbox):
    session = SessionFactory()
    person = CivilServantFactory()

    with django_capture_on_commit_callbacks(execute=True):
        _enroll(session, person)

    assert [m.to for m in mailoutbox] == [[person.email]]
    assert mailoutbox[0].attachments[0][0] == "undangan.ics"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_enroll_concurrently_fills_exactly_the_seats():
    session = SessionFactory(capacity=5, start=local(2026, 12, 7, 8))
    people = [CivilServantFactory() for _ in range(30)]
    barrier = threading.Barrier(30)
    errors = []

    def press_enrol(person):
        try:
            barrier.wait()
            enroll(session=session, person=person, actor=None, now=NOW)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=press_enrol, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    statuses = list(
        Enrollment.objects.filter(session=session).order_by("pk").values_list("status", flat=True)
    )
    assert statuses == ["approved"] * 5 + ["waitlisted"] * 25
    waitlisted = Enrollment.objects.filter(session=session, status="waitlisted").order_by("pk")
    assert [waitlist_position(e) for e in waitlisted] == list(range(1, 26))
    assert TrainingSession.objects.get(pk=session.pk).capacity == 5


def test_enroll_clashing_session_needs_confirmation():
    session = SessionFactory(start=local(2026, 12, 7, 8))
    person = CivilServantFactory()
    ScheduleEntryFactory(
        civil_servant=person, start=local(2026, 12, 7, 7), end=local(2026, 12, 7, 9)
    )

    with pytest.raises(EnrollmentError) as error:
        _enroll(session, person)
    confirmed = _enroll(session, person, confirm_clash=True)

    assert error.value.code == "clash"
    assert [c.kind for c in error.value.params["conflicts"]] == ["duty_shift"]
    assert confirmed.status == "approved"


def test_history_reads_in_indonesian_with_name_and_spaced_nip():
    boss = CivilServantFactory()
    session = SessionFactory(capacity=1, program__requires_supervisor_approval=True)
    ani = CivilServantFactory(name="Ani", nip="199001012015032001", supervisor=boss)
    budi = CivilServantFactory(name="Budi", nip="199202022016031002")

    first = _enroll(session, ani)
    _enroll(session, budi)
    reject_request(enrollment=first, actor=boss.user, now=NOW, note="Beban kerja")

    details = list(
        AuditEntry.objects.filter(session=session).order_by("pk").values_list("detail", flat=True)
    )
    assert details == [
        "Ani (19900101 201503 2 001) didaftarkan: Menunggu persetujuan atasan",
        "Budi (19920202 201603 1 002) didaftarkan: Daftar tunggu",
        "Ani (19900101 201503 2 001): permohonan ditolak",
        "Budi (19920202 201603 1 002) dipindahkan dari daftar tunggu: Terdaftar",
    ]
