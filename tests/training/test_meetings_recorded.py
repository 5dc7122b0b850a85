"""Recording a training held in the past: participants, attendance and completion, never open."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import CivilServantFactory, ProgramFactory, SessionFactory, VenueFactory, at
from tests.training.hr_helpers import session_form
from training.models import CompletionRecord, TrainingSession
from training.services import attendance, roster, scheduling

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_shipped_holidays")]


def a_month_ago() -> datetime.date:
    day = timezone.localdate() - datetime.timedelta(days=30)
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def test_hr_records_a_past_training_with_participants_attendance_and_completion(hr_client, officer):
    program = ProgramFactory(district=officer.district, jp_credited=12)
    venue = VenueFactory(district=officer.district)
    day = a_month_ago()
    person = CivilServantFactory(district=officer.district)
    data = session_form(
        program,
        venue,
        date=day.isoformat(),
        enrollment_opens_at="",
        enrollment_closes_at="",
        recorded_afterwards="on",
    )

    response = hr_client.post(reverse("training:hr-session-create"), data)

    assert response.status_code == 302
    session = TrainingSession.objects.get()
    assert session.recorded_afterwards
    assert session.status == TrainingSession.Status.COMPLETED
    page = hr_client.get(response["Location"]).content.decode()
    assert "Dicatat setelah pelaksanaan" in page

    now = timezone.now()
    added, refused = roster.add_people(
        session=session, people=[person], actor=officer.user, now=now
    )
    assert (len(added), refused) == (1, [])
    for meeting in session.meetings.all():
        attendance.mark_meeting(
            meeting=meeting, marks={added[0].pk: ("present", "")}, actor=officer.user, now=now
        )
    roster.record_completion(
        session=session,
        results={added[0].pk: {"score": 85, "passed": True, "jp_credited": 12}},
        actor=officer.user,
        now=now,
    )
    record = CompletionRecord.objects.get(civil_servant=person)
    assert record.completion_date == day
    assert record.certificate_number

    hr_client.force_login(person.user)
    catalogue = hr_client.get(reverse("training:catalogue")).content.decode()
    assert program.title not in catalogue


def test_a_session_that_has_started_cannot_be_published(officer):
    session = SessionFactory(status="draft", start=at(a_month_ago(), 8), end=at(a_month_ago(), 12))

    with pytest.raises(ValidationError, match="sudah dimulai|already started"):
        scheduling.publish_session(session=session, actor=officer.user, now=timezone.now())

    session.refresh_from_db()
    assert session.status == "draft"


def test_a_future_training_cannot_be_entered_afterwards(officer):
    program = ProgramFactory(district=officer.district)
    later = timezone.now() + datetime.timedelta(days=3)

    with pytest.raises(ValidationError):
        scheduling.schedule_session(
            program=program,
            meetings=[scheduling.MeetingPlan(start=later, end=later + datetime.timedelta(hours=2))],
            capacity=10,
            recorded_afterwards=True,
            now=timezone.now(),
            actor=officer.user,
        )
    assert not TrainingSession.objects.exists()
