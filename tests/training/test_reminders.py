"""Reminders: recorded once, claimed once, sent once; retries, escalation, resolution."""

import datetime
import io
import threading
import zoneinfo

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from districts.models import District
from tests.factories import (
    CivilServantFactory,
    EnrollmentFactory,
    ScheduleEntryFactory,
    SessionFactory,
    local,
)
from training.messages import outbox
from training.models import (
    ConflictResolution,
    Enrollment,
    Meeting,
    Notification,
    Reminder,
    TrainingSession,
)
from training.notifications import services
from training.services import reminders
from training.services.conflicts import conflicts_for_person
from training.services.reminders import Kind

# Fixed dates (7 December 2026 and around it): the clock is pinned a week before.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]
# Sessions in the fixtures are on Monday 7 December 2026, 08.00-12.00 WIB.
NOW = local(2026, 12, 1, 8)
ESCALATION_TIME = local(2026, 12, 5, 8)


class FlakyBackend(EmailBackend):
    """The locmem backend, failing the first ``failures`` messages (a mail server outage)."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise ConnectionRefusedError("SMTP server down")
        return super().send_messages(messages)


@pytest.fixture
def clash():
    supervisor = CivilServantFactory(name="Atasan")
    person = CivilServantFactory(name="Pegawai Bentrok", supervisor=supervisor)
    enrollment = EnrollmentFactory(civil_servant=person)
    entry = ScheduleEntryFactory(civil_servant=person, note="Shift loket")
    return enrollment, entry


def scan(django_capture_on_commit_callbacks, now=NOW):
    with django_capture_on_commit_callbacks(execute=True):
        return reminders.scan(now=now)


def record_and_send(*, now):
    """A scan and its sending at the same moment ``now`` (no Celery)."""
    reminders.record_due(now=now)
    return outbox.send_pending(now=now)


def conflict_mails():
    return [m for m in mail.outbox if m.subject.startswith("Bentrok jadwal")]


def test_scan_conflict_sends_one_email_and_notification(clash, django_capture_on_commit_callbacks):
    enrollment, _entry = clash

    scan(django_capture_on_commit_callbacks)

    [message] = conflict_mails()
    assert message.to == [enrollment.civil_servant.email]
    assert message.subject == f"Bentrok jadwal: {enrollment.session.program.title}"
    assert "Shift dinas: Shift loket (Senin, 7 Desember 2026, 07.00–14.00 WIB)" in message.body
    assert "Senin, 7 Desember 2026, 08.00–12.00 WIB" in message.body
    reminder = Reminder.objects.get(kind=Kind.CONFLICT)
    assert (reminder.status, reminder.attempts) == (Reminder.Status.SENT, 1)
    notification = Notification.objects.get(reminder__kind="conflict")
    assert notification.title == message.subject
    assert notification.url == f"/bentrok/{enrollment.pk}/pindah/"


def test_scan_twice_records_and_sends_once(clash, django_capture_on_commit_callbacks):
    scan(django_capture_on_commit_callbacks)
    scan(django_capture_on_commit_callbacks, now=NOW + datetime.timedelta(minutes=15))

    assert Reminder.objects.filter(kind=Kind.CONFLICT).count() == 1
    assert len(conflict_mails()) == 1
    assert Notification.objects.filter(reminder__kind="conflict").count() == 1


def test_send_reminder_second_claim_refused(clash):
    enrollment, _entry = clash
    outbox.record(
        reminders.conflict_reminder_rows(
            conflicts_for_person(person_id=enrollment.civil_servant_id, now=NOW), now=NOW
        )
    )
    reminder = Reminder.objects.get()

    first = outbox.send_reminder(reminder_id=reminder.pk, now=NOW)
    second = outbox.send_reminder(reminder_id=reminder.pk, now=NOW)

    assert (first, second) == (outbox.Outcome.SENT, outbox.Outcome.NOT_CLAIMED)
    assert len(mail.outbox) == 1


def test_send_raising_is_retried_and_sent_once(clash, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.training.test_reminders.FlakyBackend"
    # The batch holds the conflict reminder and the 7-day reminder: both fail once,
    # then the conflict reminder's first retry fails too.
    FlakyBackend.failures = 3

    scan(django_capture_on_commit_callbacks)

    rows = {r.kind: (r.status, r.attempts, r.last_error) for r in Reminder.objects.all()}
    assert rows == {
        Kind.CONFLICT: (Reminder.Status.SENT, 3, ""),
        Kind.BEFORE_7_DAYS: (Reminder.Status.SENT, 2, ""),
    }
    assert len(conflict_mails()) == 1
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(reminder__kind="conflict").count() == 1


def test_send_failing_every_time_ends_failed_with_reason(
    clash, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.training.test_reminders.FlakyBackend"
    settings.REMINDER_MAX_ATTEMPTS = 3
    FlakyBackend.failures = 10

    scan(django_capture_on_commit_callbacks)

    reminder = Reminder.objects.get(kind=Kind.CONFLICT)
    assert (reminder.status, reminder.attempts, reminder.last_error) == (
        Reminder.Status.FAILED,
        3,
        "ConnectionRefusedError: SMTP server down",
    )
    assert mail.outbox == []
    FlakyBackend.failures = 0


def test_retry_delay_backs_off_exponentially(settings):
    settings.REMINDER_RETRY_BASE_SECONDS = 30

    assert [outbox.retry_delay(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]


def test_sweep_resends_stale_sending_and_pending(clash, django_capture_on_commit_callbacks):
    enrollment, _entry = clash
    rows = reminders.conflict_reminder_rows(
        conflicts_for_person(person_id=enrollment.civil_servant_id, now=NOW), now=NOW
    )
    outbox.record(rows)
    reminder = Reminder.objects.get()
    # A worker claimed it and died before sending.
    assert outbox.claim(reminder_id=reminder.pk, now=NOW)

    assert outbox.sweep(now=NOW + datetime.timedelta(minutes=1)) == 0
    queued = outbox.sweep(now=NOW + datetime.timedelta(minutes=11))

    reminder.refresh_from_db()
    assert (queued, reminder.status, reminder.attempts) == (1, Reminder.Status.SENT, 2)
    assert len(mail.outbox) == 1


def test_resolved_conflict_gets_no_reminder(clash, django_capture_on_commit_callbacks):
    enrollment, _entry = clash
    [conflict] = conflicts_for_person(person_id=enrollment.civil_servant_id, now=NOW)
    services.mark_resolved(
        enrollment=enrollment,
        fingerprint=conflict.fingerprint,
        note="Rekan menggantikan",
        actor=enrollment.civil_servant.user,
    )

    scan(django_capture_on_commit_callbacks, now=ESCALATION_TIME)

    assert Reminder.objects.filter(kind__in=["conflict", "escalation"]).count() == 0
    assert conflict_mails() == []


def test_resolution_after_recording_skips_pending_reminder(clash):
    enrollment, _entry = clash
    [conflict] = conflicts_for_person(person_id=enrollment.civil_servant_id, now=NOW)
    outbox.record(reminders.conflict_reminder_rows([conflict], now=NOW))
    reminder = Reminder.objects.get()
    ConflictResolution.objects.create(
        enrollment=enrollment, fingerprint=conflict.fingerprint, note="Tukar shift"
    )

    outcome = outbox.send_reminder(reminder_id=reminder.pk, now=NOW)

    reminder.refresh_from_db()
    assert (outcome, reminder.status) == (outbox.Outcome.SKIPPED, Reminder.Status.SKIPPED)
    assert mail.outbox == []


def test_moved_shift_stops_reminders(clash, django_capture_on_commit_callbacks):
    enrollment, entry = clash
    scan(django_capture_on_commit_callbacks)
    entry.start, entry.end = local(2026, 12, 7, 13), local(2026, 12, 7, 20)
    entry.save()

    scan(django_capture_on_commit_callbacks, now=ESCALATION_TIME)

    assert Reminder.objects.filter(kind="conflict").count() == 1
    assert Reminder.objects.filter(kind="escalation").count() == 0
    assert len(conflict_mails()) == 1


def test_changed_conflict_times_new_reminder(clash, django_capture_on_commit_callbacks):
    enrollment, entry = clash
    scan(django_capture_on_commit_callbacks)
    entry.start = local(2026, 12, 7, 9)
    entry.save()

    scan(django_capture_on_commit_callbacks, now=NOW + datetime.timedelta(minutes=15))

    assert Reminder.objects.filter(kind="conflict", status="sent").count() == 2
    assert len(conflict_mails()) == 2
    assert "09.00–14.00 WIB" in conflict_mails()[1].body


def test_switch_session_stops_reminders(clash, django_capture_on_commit_callbacks):
    enrollment, _entry = clash
    free = SessionFactory(
        program=enrollment.session.program,
        district=enrollment.session.district,
        start=local(2026, 12, 7, 14),
        end=local(2026, 12, 7, 17),
    )
    scan(django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        new = services.switch_session(enrollment=enrollment, to_session=free, actor=None, now=NOW)
    scan(django_capture_on_commit_callbacks, now=ESCALATION_TIME)

    enrollment.refresh_from_db()
    assert (enrollment.status, new.status) == ("cancelled", "approved")
    assert Reminder.objects.filter(kind__in=["conflict", "escalation"]).count() == 1
    assert len(conflict_mails()) == 1


def test_escalation_to_supervisor_exactly_once(clash):
    enrollment, entry = clash
    supervisor = enrollment.civil_servant.supervisor

    record_and_send(now=ESCALATION_TIME)
    entry.start = local(2026, 12, 7, 9)  # a changed conflict: a new reminder, no new escalation
    entry.save()
    record_and_send(now=ESCALATION_TIME + datetime.timedelta(hours=1))
    record_and_send(now=ESCALATION_TIME + datetime.timedelta(days=1))
    record_and_send(now=ESCALATION_TIME + datetime.timedelta(days=1, hours=1))

    escalations = [m for m in mail.outbox if m.to == [supervisor.email]]
    assert len(escalations) == 1
    assert escalations[0].subject.startswith("Bentrok jadwal belum terselesaikan")
    assert Reminder.objects.get(kind="escalation").recipient == supervisor


def test_no_escalation_before_the_window(clash, django_capture_on_commit_callbacks):
    scan(django_capture_on_commit_callbacks)

    assert Reminder.objects.filter(kind="escalation").count() == 0


def test_cancelled_session_gets_nothing(clash, django_capture_on_commit_callbacks):
    enrollment, _entry = clash
    TrainingSession.objects.filter(pk=enrollment.session_id).update(status="cancelled")

    scan(django_capture_on_commit_callbacks, now=local(2026, 12, 6, 9))

    assert Reminder.objects.count() == 0
    assert mail.outbox == []


def test_before_session_reminders_with_ics(django_capture_on_commit_callbacks):
    enrollment = EnrollmentFactory()
    waiting = EnrollmentFactory(
        session=enrollment.session, status=Enrollment.Status.WAITLISTED, waitlisted_at=NOW
    )

    scan(django_capture_on_commit_callbacks, now=local(2026, 11, 30, 9))
    scan(django_capture_on_commit_callbacks, now=local(2026, 12, 6, 9))
    scan(django_capture_on_commit_callbacks, now=local(2026, 12, 6, 10))

    assert [m.subject for m in mail.outbox] == [
        f"Pelatihan mendatang: {enrollment.session.program.title}",
        f"Besok: {enrollment.session.program.title}",
    ]
    assert {tuple(m.to) for m in mail.outbox} == {(enrollment.civil_servant.email,)}
    name, content, mimetype = mail.outbox[1].attachments[0]
    assert (name, mimetype.split(";")[0]) == ("sesi.ics", "text/calendar")
    assert "BEGIN:VEVENT" in content
    assert not Reminder.objects.filter(enrollment=waiting).exists()


def test_recheck_person_records_new_conflict(clash, django_capture_on_commit_callbacks):
    enrollment, _entry = clash

    with django_capture_on_commit_callbacks(execute=True):
        reminders.queue_person_recheck(enrollment.civil_servant_id)

    assert Reminder.objects.filter(kind="conflict", enrollment=enrollment).count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_scan_twice_concurrently_records_once(monkeypatch):
    from django.utils import timezone

    clock = [NOW]
    monkeypatch.setattr(timezone, "now", lambda: clock[0])  # the workers' clock too
    person = CivilServantFactory(supervisor=CivilServantFactory())
    enrollments = [
        EnrollmentFactory(
            civil_servant=person,
            session=SessionFactory(start=local(2026, 12, day, 8), end=local(2026, 12, day, 12)),
        )
        for day in (3, 4, 7)
    ]
    for item in enrollments:
        ScheduleEntryFactory(civil_servant=person, start=item.session.start, end=item.session.end)
    errors = []

    def run(barrier):
        try:
            barrier.wait()
            reminders.scan(now=clock[0])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    def scan_twice_at_once():
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=run, args=(barrier,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    scan_twice_at_once()
    first_escalations = Reminder.objects.filter(kind="escalation").count()
    clock[0] = NOW + datetime.timedelta(hours=13)  # past the grace period, clashes still open
    scan_twice_at_once()

    assert errors == []
    assert first_escalations == 0
    assert Reminder.objects.filter(kind="conflict").count() == 3
    # Sessions on the 3rd and 4th are within 3 days: escalated; all three are within 7 days.
    assert Reminder.objects.filter(kind="escalation").count() == 2
    assert Reminder.objects.filter(kind="before_7d").count() == 3
    assert Reminder.objects.exclude(status="sent").count() == 0
    # The person's three clashes in one digest, two escalations, three 7-day reminders.
    assert len(mail.outbox) == 1 + 2 + 3


def test_scan_conflicts_command_records_and_sends_without_celery(clash, monkeypatch):
    from django.core.management import call_command
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    out = io.StringIO()

    call_command("scan_conflicts", stdout=out)
    call_command("scan_conflicts", stdout=out)

    first, second = out.getvalue().splitlines()
    assert first.startswith("conflicts=1 unresolved=1 candidates=2 pending=2 sent=2 ")
    assert second.startswith("conflicts=1 unresolved=1 candidates=2 pending=0 ")
    assert len(mail.outbox) == 2


def test_scan_conflicts_command_dry_run_records_nothing(clash, monkeypatch):
    from django.core.management import call_command
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    out = io.StringIO()

    call_command("scan_conflicts", "--dry-run", stdout=out)

    assert out.getvalue().startswith("conflicts=1 unresolved=1 ")
    assert Reminder.objects.count() == 0


def test_claim_batch_overlapping_claims_are_disjoint(clash):
    enrollment, _entry = clash
    others = [EnrollmentFactory(session=enrollment.session) for _ in range(3)]
    rows = [
        Reminder(enrollment=item, kind="conflict", fingerprint="f", recipient=item.civil_servant)
        for item in [enrollment, *others]
    ]
    outbox.record(rows)
    ids = sorted(Reminder.objects.values_list("pk", flat=True))

    first = outbox.claim_batch(reminder_ids=ids[:3], now=NOW)
    second = outbox.claim_batch(reminder_ids=ids[1:], now=NOW)

    assert (first, second) == (ids[:3], ids[3:])
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sending"}
    assert Reminder.objects.filter(claimed_at=NOW).count() == 4


def test_queue_session_recheck_after_reschedule_records_new_conflict(
    clash, django_capture_on_commit_callbacks
):
    enrollment, entry = clash
    scan(django_capture_on_commit_callbacks)
    for model, key in ((TrainingSession, "pk"), (Meeting, "session_id")):
        model.objects.filter(**{key: enrollment.session_id}).update(
            start=local(2026, 12, 7, 9), end=local(2026, 12, 7, 13)
        )

    with django_capture_on_commit_callbacks(execute=True):
        reminders.queue_session_recheck(enrollment.session_id)

    assert Reminder.objects.filter(kind="conflict", status="sent").count() == 2
    assert len(conflict_mails()) == 2


def test_broker_outage_leaves_rows_pending_then_sweeper_sends_once(
    clash, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from training.messages.tasks import send_reminders

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_reminders, "apply_async", broker_down)
    scan(django_capture_on_commit_callbacks)
    assert set(Reminder.objects.values_list("status", flat=True)) == {"pending"}
    assert mail.outbox == []

    monkeypatch.undo()
    queued = outbox.sweep(now=NOW + datetime.timedelta(minutes=5))
    outbox.sweep(now=NOW + datetime.timedelta(minutes=10))

    assert queued == 2
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == 2


def test_queue_people_recheck_records_each_person_once(clash, django_capture_on_commit_callbacks):
    enrollment, _entry = clash
    other = EnrollmentFactory(session=enrollment.session)
    ScheduleEntryFactory(civil_servant=other.civil_servant)
    calm = EnrollmentFactory(session=enrollment.session)

    with django_capture_on_commit_callbacks(execute=True):
        reminders.queue_people_recheck(
            [enrollment.civil_servant_id, other.civil_servant_id, calm.civil_servant_id] * 2
        )

    assert set(Reminder.objects.filter(kind="conflict").values_list("enrollment", flat=True)) == {
        enrollment.pk,
        other.pk,
    }
    assert len(conflict_mails()) == 2


def test_escalation_only_after_the_grace_period_since_the_persons_reminder(clash, settings):
    settings.ESCALATION_GRACE_HOURS = 12
    enrollment, _entry = clash
    supervisor = enrollment.civil_servant.supervisor

    record_and_send(now=ESCALATION_TIME)
    first_scan = list(Reminder.objects.order_by("kind").values_list("kind", "status"))
    record_and_send(now=ESCALATION_TIME + datetime.timedelta(hours=11))
    before_grace = Reminder.objects.filter(kind="escalation").count()
    record_and_send(now=ESCALATION_TIME + datetime.timedelta(hours=12))
    record_and_send(now=ESCALATION_TIME + datetime.timedelta(hours=13))

    assert first_scan == [("before_7d", "sent"), ("conflict", "sent")]
    assert before_grace == 0
    escalation = Reminder.objects.get(kind="escalation")
    assert (escalation.recipient, escalation.status) == (supervisor, "sent")
    assert len([m for m in mail.outbox if m.to == [supervisor.email]]) == 1


def test_no_escalation_when_the_person_was_told_outside_the_window(clash, settings):
    settings.ESCALATION_GRACE_HOURS = 12
    record_and_send(now=NOW)  # told on 1 December, 6 days before
    record_and_send(now=NOW + datetime.timedelta(days=1))

    assert Reminder.objects.filter(kind="escalation").count() == 0


def test_one_day_reminder_says_today_for_a_session_later_the_same_day():
    enrollment = EnrollmentFactory()  # Monday 7 December, 08.00 WIB

    record_and_send(now=local(2026, 12, 7, 6))

    assert [m.subject for m in mail.outbox] == [f"Hari ini: {enrollment.session.program.title}"]
    assert "Sesi pelatihan Anda hari ini." in mail.outbox[0].body


def test_one_day_reminder_says_tomorrow_for_a_session_the_next_day():
    enrollment = EnrollmentFactory()

    record_and_send(now=local(2026, 12, 6, 18))

    assert [m.subject for m in mail.outbox] == [f"Besok: {enrollment.session.program.title}"]
    assert "Sesi pelatihan Anda besok." in mail.outbox[0].body


def test_one_day_reminder_counts_days_in_the_sessions_own_zone():
    papua = zoneinfo.ZoneInfo("Asia/Jayapura")
    enrollment = EnrollmentFactory(session__start=local(2026, 12, 7, 7, tz=papua))
    District.objects.filter(pk=enrollment.session.district_id).update(time_zone="Asia/Jayapura")

    # 00.30 WIT on 7 December is still 6 December in Jakarta.
    record_and_send(now=local(2026, 12, 7, 0, 30, tz=papua))

    assert [m.subject for m in mail.outbox] == [f"Hari ini: {enrollment.session.program.title}"]


def test_recheck_people_with_no_upcoming_enrolment_records_nothing(
    django_capture_on_commit_callbacks,
):
    # A roster import of staff who are in no upcoming session: nothing to check.
    idle = CivilServantFactory()
    past = EnrollmentFactory(
        session__start=NOW - datetime.timedelta(days=7),
        session__end=NOW - datetime.timedelta(days=7, hours=-4),
    )
    ScheduleEntryFactory(civil_servant=idle)

    with django_capture_on_commit_callbacks(execute=True):
        found = reminders.recheck_people(person_ids=[idle.pk, past.civil_servant_id], now=NOW)

    assert found == 0
    assert not Reminder.objects.exists()


def test_queued_recheck_of_people_passes_the_callers_clock_to_the_eager_task(
    clash, django_capture_on_commit_callbacks
):
    enrollment, _entry = clash
    later = NOW + datetime.timedelta(days=30)  # after the session: nothing is due any more

    with django_capture_on_commit_callbacks(execute=True):
        reminders.queue_people_recheck([enrollment.civil_servant_id], now=later)
    assert not Reminder.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        reminders.queue_people_recheck([enrollment.civil_servant_id], now=NOW)
    assert Reminder.objects.filter(kind="conflict", status="sent").count() == 1


class CountingBackend(EmailBackend):
    """The locmem backend, keeping each connection made and how often it opened and sent."""

    connections: list["CountingBackend"] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.opened = 0
        self.sent = 0
        CountingBackend.connections.append(self)

    def open(self):
        self.opened += 1
        return super().open()

    def send_messages(self, messages):
        self.sent += len(messages)
        return super().send_messages(messages)


def make_clashes(count: int) -> None:
    """``count`` people, each in a session of their own program (Monday 7 December) that
    clashes with a shift, with another session of the program to switch to."""
    for _ in range(count):
        enrollment = EnrollmentFactory(civil_servant__supervisor=CivilServantFactory())
        ScheduleEntryFactory(civil_servant=enrollment.civil_servant)
        session = enrollment.session
        SessionFactory(
            program=session.program,
            district=session.district,
            start=local(2026, 12, 8, 8),
            end=local(2026, 12, 8, 12),
        )


def send_new_batch(count: int) -> tuple[int, int, int]:
    """Record the reminders of ``count`` new clashes and send them as one batch.

    Return the queries of the batch apart from the "sent" marks, the marks (one
    per email, each committed right after the mail server accepted it) and the
    emails sent.
    """
    make_clashes(count)
    reminders.record_due(now=NOW)
    ids = list(Reminder.objects.filter(status="pending").values_list("pk", flat=True))
    sent_before = len(mail.outbox)
    with CaptureQueriesContext(connection) as queries:
        outcomes = outbox.send_batch(reminder_ids=ids, now=NOW)
    assert set(outcomes.values()) == {outbox.Outcome.SENT}
    # Per person: the clash and the reminder a week before.
    assert len(ids) == 2 * count
    marks = [q for q in queries if q["sql"].startswith("UPDATE") and "sent_at" in q["sql"]]
    return len(queries) - len(marks), len(marks), len(mail.outbox) - sent_before


def test_batch_queries_do_not_grow_with_the_batch_size():
    send_new_batch(2)  # what a process looks up once

    small = send_new_batch(5)
    large = send_new_batch(50)

    # Claiming, loading, preparing (clashes, switch options, sessions held), composing
    # and recording: the same queries for 10 reminders as for 100.
    assert small[0] == large[0]
    # Beyond them one UPDATE per email: its "sent" mark, right after it was accepted.
    assert (small[1:], large[1:]) == ((10, 10), (100, 100))


def test_batch_mails_go_through_one_connection(settings):
    settings.EMAIL_BACKEND = "tests.training.test_reminders.CountingBackend"
    CountingBackend.connections = []
    make_clashes(5)
    reminders.record_due(now=NOW)
    ids = list(Reminder.objects.values_list("pk", flat=True))

    outbox.send_batch(reminder_ids=ids, now=NOW)

    assert [(item.opened, item.sent) for item in CountingBackend.connections] == [(1, 10)]
    assert len(mail.outbox) == 10


class FailingFirstBackend(CountingBackend):
    """The counting backend, failing the first message of the batch (a dropped conversation)."""

    failed = False

    def send_messages(self, messages):
        if not self.failed:
            self.failed = True
            raise ConnectionResetError("Connection reset by peer")
        return super().send_messages(messages)


def test_batch_failed_message_reopens_the_connection_for_the_rest(settings):
    settings.EMAIL_BACKEND = "tests.training.test_reminders.FailingFirstBackend"
    CountingBackend.connections = []
    make_clashes(3)
    reminders.record_due(now=NOW)
    ids = list(Reminder.objects.order_by("pk").values_list("pk", flat=True))

    outcomes = outbox.send_batch(reminder_ids=ids, now=NOW)

    assert sorted(outcomes.values()) == [outbox.Outcome.RETRY] + [outbox.Outcome.SENT] * 5
    [backend] = CountingBackend.connections
    assert (backend.opened, backend.sent, len(mail.outbox)) == (2, 5, 5)
    failed = Reminder.objects.get(status="pending")
    assert (failed.attempts, failed.last_error) == (
        1,
        "ConnectionResetError: Connection reset by peer",
    )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_batch_sent_marks_commit_quickly_and_the_connection_is_left_as_it_was():
    make_clashes(2)
    reminders.record_due(now=NOW)
    ids = list(Reminder.objects.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        before = cursor.fetchone()[0]

    with CaptureQueriesContext(connection) as queries:
        outbox.send_batch(reminder_ids=ids, now=NOW)

    sql = [q["sql"] for q in queries]
    marks = [i for i, text in enumerate(sql) if text.startswith("UPDATE") and "sent_at" in text]
    assert len(marks) == 4
    # Each mark in its own transaction, the setting local to it (never left on a
    # pooled server connection), then one durable commit of them all.
    assert all(sql[i - 1] == "SET LOCAL synchronous_commit TO off" for i in marks)
    assert sql.index("SELECT txid_current()") > max(marks)
    assert not any(text.startswith(("SET synchronous_commit", "RESET")) for text in sql)
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == before
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
