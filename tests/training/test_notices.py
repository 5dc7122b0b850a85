"""Notices (enrolment and session changes): recorded with the change, sent once, never lost."""

import datetime

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from asnportal.celery import app
from tests.celery_harness import reset_pools
from tests.factories import (
    CivilServantFactory,
    EnrollmentFactory,
    SessionFactory,
    district,
    hr_officer,
    local,
)
from training.messages import ical, outbox
from training.models import Enrollment, Reminder, TrainingSession
from training.services import scheduling
from training.services.enrollment import cancel_enrollment, enroll

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return hr_officer(district("mulyorejo"))


def event_of(message) -> icalendar.Event:
    name, content, mimetype = message.attachments[0]
    calendar = icalendar.Calendar.from_ical(content)
    return calendar, calendar.walk("VEVENT")[0]


def test_enrol_with_broker_down_redirects_and_keeps_the_notice_pending(
    client, broker_down, caplog, django_capture_on_commit_callbacks
):
    person = CivilServantFactory()
    session = SessionFactory(start=local(2026, 12, 7, 8))
    client.force_login(person.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("training:enrol", args=[session.pk]))

    enrollment = Enrollment.objects.get(session=session, civil_servant=person)
    assert (response.status_code, response.url) == (
        302,
        reverse("training:session", args=[session.pk]),
    )
    assert enrollment.status == "approved"
    assert list(Reminder.objects.values_list("enrollment_id", "kind", "fingerprint", "status")) == [
        (enrollment.pk, "enrolled", "approved", "pending")
    ]
    assert mail.outbox == []
    assert [
        r.getMessage().split("(")[0] for r in caplog.records if r.name == "asnportal.tasks"
    ] == [
        "Broker unavailable: training.conflict_tasks.send_reminders",
        "Broker unavailable: training.conflict_tasks.recheck_person",
    ]


def test_sweeper_sends_a_notice_left_by_a_broker_outage_exactly_once(
    client, broker_down, django_capture_on_commit_callbacks
):
    person = CivilServantFactory()
    session = SessionFactory(start=local(2026, 12, 7, 8))
    client.force_login(person.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("training:enrol", args=[session.pk]))
    app.conf.broker_url = "memory://"  # the broker is back (eager: the worker runs here)
    app.conf.task_always_eager = True
    reset_pools()

    first = outbox.sweep(now=timezone.now())
    second = outbox.sweep(now=timezone.now())

    notice = Reminder.objects.get()
    assert (first, second) == (1, 0)
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert mail.outbox[0].subject == f"Anda terdaftar: {session.program.title}"
    assert mail.outbox[0].attachments[0][0] == "undangan.ics"
    assert (notice.status, notice.attempts) == ("sent", 1)


def test_sending_a_notice_twice_sends_one_email():
    person = CivilServantFactory()
    session = SessionFactory(start=local(2026, 12, 7, 8))
    enroll(session=session, person=person, actor=None, now=local(2026, 11, 20, 9))
    notice = Reminder.objects.get()
    now = local(2026, 11, 20, 9, 1)

    first = outbox.send_batch(reminder_ids=[notice.pk], now=now)
    second = outbox.send_batch(reminder_ids=[notice.pk], now=now)

    assert (first, second) == ({notice.pk: "sent"}, {notice.pk: "not_claimed"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["X-Portal-Reminder"] == str(notice.pk)


def test_confirmation_of_an_enrolment_cancelled_before_sending_is_skipped():
    person = CivilServantFactory()
    session = SessionFactory(start=local(2026, 12, 7, 8))
    now = local(2026, 11, 20, 9)
    enrollment = enroll(session=session, person=person, actor=None, now=now)
    cancel_enrollment(enrollment=enrollment, actor=None, now=now)

    outcomes = outbox.send_pending(now=now)

    assert outcomes == {"skipped": 1, "sent": 1}
    assert [m.subject for m in mail.outbox] == [f"Pendaftaran dibatalkan: {session.program.title}"]
    assert mail.outbox[0].attachments[0][2].startswith("text/calendar; method=CANCEL")


def test_reschedule_records_one_notice_per_person_with_updated_invitation(
    officer, django_capture_on_commit_callbacks
):
    session = SessionFactory(start=local(2026, 12, 7, 8), capacity=5)
    first, second = EnrollmentFactory.create_batch(2, session=session)
    EnrollmentFactory(session=session, status="cancelled")
    # The invitation went out on 20 November, when the session was last saved.
    TrainingSession.objects.filter(pk=session.pk).update(updated_at=local(2026, 11, 20, 9))
    session.refresh_from_db()
    old_event = icalendar.Calendar.from_ical(
        ical.invitation(session, person=first.civil_servant, now=local(2026, 11, 20, 9))
    ).walk("VEVENT")[0]
    new_start = local(2026, 12, 8, 13)

    with django_capture_on_commit_callbacks(execute=True):
        scheduling.update_session(
            session=session,
            data={"start": new_start, "end": new_start + datetime.timedelta(hours=3)},
            actor=officer.user,
            now=local(2026, 11, 21, 9),
        )

    notices = Reminder.objects.filter(kind="rescheduled").order_by("enrollment_id")
    assert [(n.enrollment_id, n.status) for n in notices] == [
        (first.pk, "sent"),
        (second.pk, "sent"),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [first.civil_servant.email, second.civil_servant.email]
    )
    calendar, event = event_of(mail.outbox[0])
    assert str(calendar["method"]) == "REQUEST"
    assert event["uid"] == old_event["uid"]
    assert event.decoded("dtstart") == new_start
    assert event.decoded("dtend") == new_start + datetime.timedelta(hours=3)
    assert event["sequence"] > old_event["sequence"]
    assert "Selasa, 8 Desember 2026, 13.00–16.00 WIB" in mail.outbox[0].body


def test_second_reschedule_makes_a_new_notice_and_supersedes_the_unsent_one(officer):
    session = SessionFactory(start=local(2026, 12, 7, 8))
    enrollment = EnrollmentFactory(session=session)
    for day in (8, 9):
        start = local(2026, 12, day, 8)
        scheduling.update_session(
            session=session,
            data={"start": start, "end": start + datetime.timedelta(hours=4)},
            actor=officer.user,
            now=local(2026, 11, 21, 9),
        )

    outcomes = outbox.send_pending(now=local(2026, 11, 21, 10))

    assert Reminder.objects.filter(enrollment=enrollment, kind="rescheduled").count() == 2
    assert outcomes == {"skipped": 1, "sent": 1}
    assert len(mail.outbox) == 1
    assert event_of(mail.outbox[0])[1].decoded("dtstart") == local(2026, 12, 9, 8)


def test_session_cancelled_by_hr_sends_ical_cancel_once(
    officer, django_capture_on_commit_callbacks
):
    session = SessionFactory(start=local(2026, 12, 7, 8))
    enrollment = EnrollmentFactory(session=session)

    with django_capture_on_commit_callbacks(execute=True):
        scheduling.cancel_session(session=session, reason="Narasumber sakit", actor=officer.user)
    again = outbox.send_pending(now=timezone.now())

    notice = Reminder.objects.get()
    calendar, event = event_of(mail.outbox[0])
    assert (notice.enrollment_id, notice.kind, notice.status) == (
        enrollment.pk,
        "sess_cancel",
        "sent",
    )
    assert again == {}
    assert len(mail.outbox) == 1
    assert (str(calendar["method"]), str(event["status"])) == ("CANCEL", "CANCELLED")
    assert event["uid"] == ical.event_uid(session)


def test_invitation_attachment_has_one_charset_in_its_content_type(
    client, django_capture_on_commit_callbacks
):
    person = CivilServantFactory()
    session = SessionFactory(start=local(2026, 12, 7, 8))
    client.force_login(person.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("training:enrol", args=[session.pk]))

    raw = mail.outbox[0].message().as_string()
    headers = [line for line in raw.splitlines() if line.startswith("Content-Type: text/calendar")]
    assert headers == ['Content-Type: text/calendar; method="REQUEST"; charset="utf-8"']
