"""The periodic scan fanned out by district: the same conflicts and reminders as the
single scan on generated data (SQLite and PostgreSQL), nothing recorded twice when the
dispatcher or a district's scan runs twice, a failed scan retried, a running one not
started again (PostgreSQL's advisory lock)."""

import datetime
import random
import threading

import pytest
from celery.exceptions import Retry
from django.db import OperationalError, connection, connections

from districts.models import Holiday
from tests.factories import (
    CivilServantFactory,
    EnrollmentFactory,
    ScheduleEntryFactory,
    SessionFactory,
    district,
    local,
)
from training.models import ConflictResolution, Notification, Reminder
from training.services import district_scans, reminders
from training.services.conflicts import conflicts_in_window
from training.services.reminders import Kind
from training.services.tasks import scan_conflicts, scan_district

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]
# Sessions from 3 to 11 December 2026; the first scan a few days before, the
# second when escalations and the H-3/H-1 reminders are due.
FIRST = local(2026, 12, 1, 8)
SECOND = local(2026, 12, 6, 9)
SLUGS = ["mulyorejo", "asemrowo", "plaju"]


@pytest.fixture
def generated():
    """Thirty people in three districts (two zones), sessions in each, clashes of every kind."""
    rng = random.Random(20261203)
    places = [district(slug) for slug in SLUGS]
    places[2].time_zone = "Asia/Makassar"
    places[2].save()
    sessions = []
    for day in (3, 4, 7, 8, 9, 11):
        for hour in (8, 13):
            start = local(2026, 12, day, hour)
            sessions += [
                SessionFactory(
                    district=place,
                    start=start,
                    end=start + datetime.timedelta(hours=4),
                    capacity=50,
                    status="cancelled" if rng.random() < 0.1 else "published",
                )
                for place in rng.sample(places, 2)
            ]
    supervisors = [CivilServantFactory(district=place) for place in places]
    people = [
        CivilServantFactory(district=rng.choice(places), supervisor=rng.choice(supervisors))
        for _ in range(30)
    ]
    for person in people:
        # Two sessions at the same hours now and then: enrolment against enrolment.
        for session in rng.sample(sessions, 3):
            EnrollmentFactory(
                civil_servant=person,
                session=session,
                status=rng.choice(["approved", "approved", "approved", "requested"]),
            )
        entries = {
            (rng.choice(sessions).start, rng.choice([-3, -1, 0, 2, 4]), rng.choice([2, 4, 7]))
            for _ in range(3)
        }
        for base, offset, hours in entries:
            start = base + datetime.timedelta(hours=offset)
            ScheduleEntryFactory(
                civil_servant=person, start=start, end=start + datetime.timedelta(hours=hours)
            )
    Holiday.objects.create(
        date=datetime.date(2026, 12, 8), name="Libur Uji", kind="regional", district=places[1]
    )
    # One clash marked resolved: neither scan reminds of it.
    resolved = next(c for c in conflicts_in_window(start=FIRST, end=SECOND.replace(day=20)))
    ConflictResolution.objects.create(
        enrollment_id=resolved.enrollment_id, fingerprint=resolved.fingerprint
    )
    return places


def keys(conflicts) -> list:
    return sorted(
        (c.enrollment_id, c.kind, c.other_id, c.fingerprint, c.resolved) for c in conflicts
    )


def outbox_rows() -> list:
    return sorted(
        Reminder.objects.values_list(
            "enrollment_id", "kind", "fingerprint", "recipient_id", "status"
        )
    )


def test_districts_add_up_to_the_whole_window(generated):
    end = local(2026, 12, 31)
    whole = conflicts_in_window(start=FIRST, end=end)

    parts = [
        item
        for place in generated
        for item in conflicts_in_window(start=FIRST, end=end, district_id=place.pk)
    ]

    assert keys(parts) == keys(whole)
    kinds = {item.kind for item in whole}
    assert {"enrollment", "holiday", "duty_shift"} <= kinds, kinds
    assert any(item.resolved for item in whole)


def _two_scans(run, django_capture_on_commit_callbacks) -> list:
    for now in (FIRST, SECOND):
        with django_capture_on_commit_callbacks(execute=True):
            run(now)
    return outbox_rows()


def test_fanned_out_scan_records_and_sends_what_the_single_scan_does(
    generated, django_capture_on_commit_callbacks
):
    single = _two_scans(lambda now: reminders.scan(now=now), django_capture_on_commit_callbacks)
    Notification.objects.all().delete()
    Reminder.objects.all().delete()

    fanned = _two_scans(
        lambda now: scan_conflicts.delay(now=now.isoformat()), django_capture_on_commit_callbacks
    )

    assert fanned == single
    kinds = {row[1] for row in single}
    assert {Kind.CONFLICT, Kind.CONFLICT_AGAIN, Kind.ESCALATION, Kind.BEFORE_7_DAYS} <= kinds
    assert {Kind.BEFORE_1_DAY} <= kinds
    assert {row[4] for row in single} == {Reminder.Status.SENT}


def test_dispatcher_twice_and_district_twice_record_nothing_twice(
    generated, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        assert scan_conflicts.delay(now=FIRST.isoformat()).get() == len(generated) + 1
    first = outbox_rows()
    mails = len(mailoutbox)
    later = (FIRST + datetime.timedelta(minutes=15)).isoformat()

    with django_capture_on_commit_callbacks(execute=True):
        scan_conflicts.delay(now=later)
        for place in generated:
            scan_district.delay(place.pk, now=later)
            scan_district.delay(place.pk, now=later)

    assert outbox_rows() == first
    assert len(first) == len({row[:3] for row in first}) > 10
    # One digest per person and sending: fewer mails than rows, and none added.
    assert len(mailoutbox) == mails > 10
    assert {row[4] for row in first} == {Reminder.Status.SENT}


def test_failed_district_scan_is_retried(
    generated, monkeypatch, django_capture_on_commit_callbacks
):
    real = reminders.record_due
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["district_id"])
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(reminders, "record_due", flaky)
    place = generated[0]
    # Celery answers the failure with a retry (Retry: queued again after a backoff;
    # run eagerly, the retry itself is not run here) and the failed try left nothing.
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Retry):
        scan_district.delay(place.pk, now=FIRST.isoformat())
    assert not Reminder.objects.exists()
    assert (scan_district.max_retries, scan_district.retry_backoff) == (5, True)

    # The retry: the same task again, which records the district's reminders.
    with django_capture_on_commit_callbacks(execute=True):
        scan_district.delay(place.pk, now=FIRST.isoformat())

    assert calls == [place.pk, place.pk]
    mine = Reminder.objects.filter(enrollment__civil_servant__district=place)
    assert mine.exists()
    assert mine.count() == Reminder.objects.count()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_running_district_scan_is_not_started_again(generated):
    place, other = generated[0], generated[1]
    held, release = threading.Event(), threading.Event()

    def running_scan():
        # Another worker's scan of ``place``, holding its lock in its transaction.
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute(
                    "SELECT pg_try_advisory_xact_lock(%s, %s)",
                    [district_scans.LOCK_NAMESPACE, place.pk],
                )
                assert cursor.fetchone()[0]
                held.set()
                release.wait(30)
                cursor.execute("ROLLBACK")
        finally:
            connections["default"].close()

    thread = threading.Thread(target=running_scan)
    thread.start()
    try:
        assert held.wait(30)
        skipped = district_scans.scan_district(district_id=place.pk, now=FIRST)
        done = district_scans.scan_district(district_id=other.pk, now=FIRST)
    finally:
        release.set()
        thread.join(30)

    assert skipped == {"district": place.pk, "skipped": True}
    assert not Reminder.objects.filter(enrollment__civil_servant__district=place).exists()
    assert done["candidates"] > 0
    # Once the other scan has ended, the lock is free again.
    again = district_scans.scan_district(district_id=place.pk, now=FIRST)
    assert again["candidates"] > 0
    assert Reminder.objects.filter(enrollment__civil_servant__district=place).exists()
    assert connection.vendor == "postgresql"
