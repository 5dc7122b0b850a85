"""Sessions with several meetings as people see them: pages, week view, feed, invitations."""

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from tests.factories import EnrollmentFactory, SessionFactory, VenueFactory, local
from training.messages import ical
from training.models import Reminder
from training.services import meetings, scheduling
from training.services.scheduling import MeetingPlan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

DAYS = (7, 8, 9)


def bimtek(**kwargs):
    """Monday-Wednesday 7-9 December 2026, 08.00-12.00 WIB (the clock is pinned on 30 November)."""
    return SessionFactory(
        meetings=[(local(2026, 12, day, 8), local(2026, 12, day, 12)) for day in DAYS], **kwargs
    )


def events(content: bytes) -> list:
    return list(icalendar.Calendar.from_ical(content).walk("VEVENT"))


def test_a_multi_day_session_is_described_by_its_meetings():
    with translation.override("id"):
        assert meetings.describe(bimtek()) == "3 pertemuan · 7–9 Desember 2026"
        across = SessionFactory(
            meetings=[
                (local(2026, 11, 30, 8), local(2026, 11, 30, 12)),
                (local(2026, 12, 2, 8), local(2026, 12, 2, 12)),
            ]
        )
        assert meetings.describe(across) == "2 pertemuan · 30 November – 2 Desember 2026"


def test_catalogue_and_session_page_show_the_meetings(client):
    session = bimtek(program__title="Bimtek Arsip")
    enrollment = EnrollmentFactory(session=session)
    client.force_login(enrollment.civil_servant.user)

    catalogue = client.get(reverse("training:catalogue")).content.decode()
    page = client.get(reverse("training:session", args=[session.pk])).content.decode()

    assert "3 pertemuan · 7–9 Desember 2026" in catalogue
    assert "3 pertemuan · 7–9 Desember 2026" in page
    assert page.count('class="list-group-item d-flex flex-wrap gap-2 meeting-item"') == 3


def test_the_week_view_shows_each_meeting_on_its_day(client):
    session = bimtek()
    enrollment = EnrollmentFactory(session=session)
    client.force_login(enrollment.civil_servant.user)

    response = client.get(reverse("training:schedule"), {"minggu": "2026-12-07"})

    by_day = {day["date"].day: day["enrollments"] for day in response.context["days"]}
    assert [len(by_day[day]) for day in (7, 8, 9, 10)] == [1, 1, 1, 0]
    assert "pertemuan 3 dari 3" in response.content.decode()


def test_the_feed_has_one_event_per_meeting_under_stable_uids(client):
    session = bimtek()
    enrollment = EnrollmentFactory(session=session)
    client.force_login(enrollment.civil_servant.user)
    client.post(reverse("training:calendar_reset"))
    enrollment.civil_servant.refresh_from_db()

    response = client.get(
        reverse("training:calendar_feed", args=[enrollment.civil_servant.calendar_token])
    )

    found = events(response.content)
    assert [e.decoded("dtstart") for e in found] == [m.start for m in session.meetings.all()]
    uids = [str(e["uid"]) for e in found]
    assert len(set(uids)) == 3
    assert uids[0] == ical.event_uid(session)


def test_rescheduling_one_meeting_updates_that_event_and_names_the_day(
    officer, django_capture_on_commit_callbacks
):
    session = bimtek(district=officer.district)
    enrollment = EnrollmentFactory(session=session)
    person = enrollment.civil_servant
    before = {
        str(e["uid"]): e.decoded("dtstart")
        for e in events(ical.invitation(session, person=person, now=local(2026, 11, 30, 9)))
    }
    plans = [
        MeetingPlan(start=m.start, end=m.end, venue=m.venue, pk=m.pk)
        for m in session.meetings.all()
    ]
    moved = plans[1]
    moved.start, moved.end = local(2026, 12, 10, 8), local(2026, 12, 10, 12)

    with django_capture_on_commit_callbacks(execute=True):
        scheduling.update_meetings(
            session=session, meetings=plans, actor=officer.user, now=local(2026, 11, 30, 10)
        )

    assert Reminder.objects.filter(kind="rescheduled").count() == 1
    (message,) = mail.outbox
    assert "Pertemuan dipindah ke: Kamis, 10 Desember 2026, 08.00–12.00 WIB" in message.body
    after = {str(e["uid"]): e.decoded("dtstart") for e in events(message.attachments[0][1])}
    assert set(after) == set(before)
    changed = [uid for uid in after if after[uid] != before[uid]]
    assert [after[uid] for uid in changed] == [local(2026, 12, 10, 8)]


def test_cancelling_the_session_cancels_every_meeting(officer, django_capture_on_commit_callbacks):
    session = bimtek(district=officer.district)
    enrollment = EnrollmentFactory(session=session)

    with django_capture_on_commit_callbacks(execute=True):
        scheduling.cancel_session(session=session, reason="Anggaran", actor=officer.user)

    (message,) = mail.outbox
    found = events(message.attachments[0][1])
    assert len(found) == 3
    assert {str(e["status"]) for e in found} == {"CANCELLED"}
    assert all(m.is_cancelled for m in session.meetings.all())
    assert enrollment.civil_servant.email in message.to


def test_a_meeting_venue_of_day_three_shows_in_the_hr_page(hr_client):
    lab = VenueFactory(name="Lab Komputer")
    session = SessionFactory(
        district=lab.district,
        meetings=[
            (local(2026, 12, 7, 8), local(2026, 12, 7, 12)),
            (local(2026, 12, 8, 8), local(2026, 12, 8, 12)),
            {"start": local(2026, 12, 9, 8), "end": local(2026, 12, 9, 12), "venue": lab},
        ],
    )

    page = hr_client.get(reverse("training:hr-session", args=[session.pk])).content.decode()

    assert "3 pertemuan · 7–9 Desember 2026" in page
    assert "Lab Komputer" in page
